#pragma once
// Helpers shared by the test suites: scratch directories, writing bytes, checking error messages.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "lecon/core/error.hpp"

namespace lecon::test {

// A fresh directory under /tmp, removed when the object goes.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag) {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("lecon-test-" + tag + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

inline std::vector<std::uint8_t> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs f, which must throw an exception of type E whose message contains every one of `parts`.
template <typename E = std::exception>
void check_error(const std::function<void()>& f, const std::vector<std::string>& parts) {
  try {
    f();
  } catch (const E& e) {
    const std::string message = e.what();
    for (const std::string& part : parts)
      BOOST_CHECK_MESSAGE(message.find(part) != std::string::npos, "message '" << message << "' lacks '" << part << "'");
    BOOST_CHECK_MESSAGE(message.find('\n') == std::string::npos, "message '" << message << "' is not one line");
    return;
  }
  BOOST_ERROR("expected an exception mentioning '" << (parts.empty() ? "" : parts.front()) << "'");
}

}  // namespace lecon::test
