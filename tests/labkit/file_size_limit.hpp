#pragma once
// A full disk, simulated for one process: RLIMIT_FSIZE makes a write that would grow a regular file past
// the limit fail with EFBIG ("File too large"), as ENOSPC does on a full disk. Tests run as root, so
// permissions cannot make a write fail; this can. SIGXFSZ is ignored, so the write returns the error
// instead of killing the test. Child processes (gnuplot) inherit both.
#include <sys/resource.h>

#include <boost/test/unit_test.hpp>
#include <csignal>

namespace lecon::test {

class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    BOOST_REQUIRE(getrlimit(RLIMIT_FSIZE, &before_) == 0);
    rlimit limited = before_;
    limited.rlim_cur = bytes;
    old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    BOOST_REQUIRE(setrlimit(RLIMIT_FSIZE, &limited) == 0);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &before_);
    std::signal(SIGXFSZ, old_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit before_{};
  void (*old_handler_)(int) = SIG_DFL;
};

// The message of the exception f throws ("" if none), caught inside the caller's scope: assertions are
// made afterwards, outside a FileSizeLimit (the test log may be a file too).
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace lecon::test
