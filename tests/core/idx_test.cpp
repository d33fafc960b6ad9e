#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <new>

#include "core/error_message.hpp"
#include "lecon/core/loaders.hpp"
#include "test_util.hpp"
#include "worse.hpp"

using namespace lecon;

namespace {

std::vector<std::uint8_t> idx_header(std::uint8_t type, const std::vector<std::uint32_t>& dims) {
  std::vector<std::uint8_t> bytes = {0, 0, type, static_cast<std::uint8_t>(dims.size())};
  for (std::uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<std::uint8_t>(d >> shift));
  return bytes;
}

// n images of rows x cols where pixel (i, y, x) = (i + y * cols + x) % 256, and labels i % 10.
void write_mnist_like(const test::ScratchDir& dir, std::uint32_t n, std::uint32_t rows, std::uint32_t cols) {
  auto images = idx_header(8, {n, rows, cols});
  for (std::uint32_t i = 0; i < n; ++i)
    for (std::uint32_t p = 0; p < rows * cols; ++p) images.push_back(static_cast<std::uint8_t>((i + p) % 256));
  auto labels = idx_header(8, {n});
  for (std::uint32_t i = 0; i < n; ++i) labels.push_back(static_cast<std::uint8_t>(i % 10));
  test::write_bytes(dir.file("images"), images);
  test::write_bytes(dir.file("labels"), labels);
}

void gzip_file(const std::string& from, const std::string& to) {
  const auto bytes = test::read_all(from);
  gzFile out = gzopen(to.c_str(), "wb");
  gzwrite(out, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(out);
}

// The address space this process has mapped now, in bytes (Linux /proc), or 0 where unknown.
std::size_t mapped_bytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmSize:", 0) == 0) return std::stoull(line.substr(7)) * 1024;  // "VmSize:  123456 kB"
  return 0;
}

// Runs read_idx(path) in a child process whose address space may grow by at most `headroom` bytes.
// Returns 0 if it ended in FileError, 1 if an allocation failed (the header was believed), 2 otherwise.
int read_idx_with_bounded_memory(const std::string& path, std::size_t headroom) {
  const pid_t child = fork();
  if (child == 0) {
    const rlim_t limit = mapped_bytes() + headroom;
    const rlimit bound{limit, limit};
    setrlimit(RLIMIT_AS, &bound);
    try {
      read_idx(path);
    } catch (const FileError&) {
      _exit(0);
    } catch (const std::bad_alloc&) {
      _exit(1);
    } catch (...) {
    }
    _exit(2);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 3;
}

const std::vector<std::string> kDigits = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

}  // namespace

BOOST_AUTO_TEST_SUITE(idx)

BOOST_AUTO_TEST_CASE(reads_images_and_labels_in_c_order) {
  test::ScratchDir dir("idx");
  write_mnist_like(dir, 12, 3, 4);
  const Dataset d = load_idx_dataset(dir.file("images"), dir.file("labels"), kDigits, "toy");
  BOOST_TEST(d.x.shape().str() == "(12, 1, 3, 4)");
  BOOST_TEST(d.size() == 12u);
  BOOST_TEST(d.y[11] == 1u);
  BOOST_TEST(d.x.at(5, 0, 2, 1) == float((5 + 2 * 4 + 1) % 256) / 255.0f);
  BOOST_TEST(test::max_of(d.x.matrix()) <= 1.0f);
}

BOOST_AUTO_TEST_CASE(reads_gzip_compressed_files) {
  test::ScratchDir dir("idx");
  write_mnist_like(dir, 20, 2, 2);
  gzip_file(dir.file("images"), dir.file("images.gz"));
  gzip_file(dir.file("labels"), dir.file("labels.gz"));
  const Dataset plain = load_idx_dataset(dir.file("images"), dir.file("labels"), kDigits, "plain");
  const Dataset packed = load_idx_dataset(dir.file("images.gz"), dir.file("labels.gz"), kDigits, "gz");
  BOOST_TEST(arma::approx_equal(plain.x.matrix(), packed.x.matrix(), "absdiff", 0.0f));
  BOOST_TEST(arma::all(plain.y == packed.y));
}

BOOST_AUTO_TEST_CASE(bad_files_give_one_line_naming_file_and_fault) {
  test::ScratchDir dir("idx");
  write_mnist_like(dir, 10, 2, 2);
  const auto good = test::read_all(dir.file("images"));
  const std::string f = dir.file("bad");

  test::check_error<FileError>([&] { read_idx(dir.file("missing")); }, {"missing", "file not found"});

  auto bytes = good;
  bytes[0] = 0x1f;
  test::write_bytes(f, bytes);
  test::check_error<FileError>([&] { read_idx(f); }, {f, "wrong magic"});

  bytes = good;
  bytes[2] = 0x0d;  // float element type
  test::write_bytes(f, bytes);
  test::check_error<FileError>([&] { read_idx(f); }, {f, "element type 13"});

  bytes.assign(good.begin(), good.end() - 7);  // truncated body
  test::write_bytes(f, bytes);
  test::check_error<FileError>([&] { read_idx(f); }, {f, "truncated", "promises 40", "holds 33"});

  bytes = idx_header(8, {1000, 2, 2});  // header claims more items than the file holds
  bytes.insert(bytes.end(), 40, 7);
  test::write_bytes(f, bytes);
  test::check_error<FileError>([&] { read_idx(f); }, {f, "truncated", "promises 4000"});

  bytes.assign(good.begin(), good.begin() + 10);  // cut inside the dimension header
  test::write_bytes(f, bytes);
  test::check_error<FileError>([&] { read_idx(f); }, {f, "dimension header"});

  bytes = good;
  bytes.push_back(1);
  test::write_bytes(f, bytes);
  test::check_error<FileError>([&] { read_idx(f); }, {f, "unexpected bytes after"});

  bytes = idx_header(8, {0xffffffffu, 0xffffffffu, 0xffffffffu});
  test::write_bytes(f, bytes);
  test::check_message<FileError>([&] { read_idx(f); }, f + ": header dimensions 4294967295 x 4294967295 x 4294967295 "
                                                          "promise more bytes than a 64-bit size can count");

  test::write_bytes(f, {});
  test::check_error<FileError>([&] { read_idx(f); }, {f, "no 4-byte idx header"});
}

// Issue 9: "a 1 KB idx header takes 3.8 GB". The header is checked against the file size before any
// allocation (plain files); gzip bodies grow in bounded chunks, so a lie ends in "truncated".
BOOST_AUTO_TEST_CASE(lying_headers_fail_before_allocating) {
  test::ScratchDir dir("idx");
  const std::string plain = dir.file("liar"), packed = dir.file("liar.gz");
  auto bytes = idx_header(8, {0x80000000u, 28, 28});  // 2^31 images of 28x28, in a 1 KB file
  bytes.resize(1024, 3);
  test::write_bytes(plain, bytes);
  gzip_file(plain, packed);
  test::check_message<FileError>([&] { read_idx(plain); },
                                 plain + ": truncated: header promises 1683627180032 data bytes (2147483648 x 28 x 28), file holds 1008");
  test::check_message<FileError>([&] { read_idx(packed); }, packed + ": truncated: header promises 1683627180032 data bytes "
                                                                     "(2147483648 x 28 x 28), the decompressed file holds 1008");
  // The allocation itself: 2^31 x 2 x 2 = 8 GiB promised must fail with the message while the process may
  // grow by only 256 MiB (more than one 64 MiB gzip chunk, far less than what the header claims).
  bytes = idx_header(8, {0x80000000u, 2, 2});
  bytes.resize(1024, 3);
  test::write_bytes(plain, bytes);
  gzip_file(plain, packed);
  if (mapped_bytes() == 0) {
    BOOST_TEST_MESSAGE("no /proc/self/status: the bounded-memory check is skipped");
  } else {
    BOOST_TEST(read_idx_with_bounded_memory(plain, std::size_t(256) << 20) == 0);
    BOOST_TEST(read_idx_with_bounded_memory(packed, std::size_t(256) << 20) == 0);
  }
  // Exact sizes in both directions for a plain file, before anything is read.
  bytes = idx_header(8, {10, 2, 2});
  bytes.resize(bytes.size() + 41, 1);
  test::write_bytes(plain, bytes);
  test::check_message<FileError>([&] { read_idx(plain); },
                                 plain + ": unexpected bytes after the data: header promises 40 data bytes (10 x 2 x 2), file holds 41");
  gzip_file(plain, packed);
  test::check_message<FileError>([&] { read_idx(packed); },
                                 packed + ": unexpected bytes after the data: header promises 40 data bytes (10 x 2 x 2)");
}

BOOST_AUTO_TEST_CASE(a_directory_or_a_missing_path_is_named_as_such) {
  test::ScratchDir dir("idx");
  test::check_message<FileError>([&] { read_idx(dir.path().string()); }, dir.path().string() + ": is a directory, expected a file");
  test::check_message<FileError>([&] { read_idx(dir.file("absent")); }, dir.file("absent") + ": file not found");
}

// Issue 9: the converter wrote files with 0 training images or 0x0 images; the source file is refused.
BOOST_AUTO_TEST_CASE(empty_image_files_are_refused_naming_the_file) {
  test::ScratchDir dir("idx");
  write_mnist_like(dir, 10, 2, 2);
  const std::string images = dir.file("empty");
  test::write_bytes(images, idx_header(8, {0, 28, 28}));
  test::check_message<FileError>([&] { load_idx_dataset(images, dir.file("labels"), kDigits, "t"); },
                                 images + ": header promises 0 images, expected at least 1");
  test::write_bytes(images, idx_header(8, {10, 0, 0}));
  test::check_message<FileError>([&] { load_idx_dataset(images, dir.file("labels"), kDigits, "t"); },
                                 images + ": images of 0x0 pixels, expected at least 1x1");
}

BOOST_AUTO_TEST_CASE(corrupt_gzip_is_reported) {
  test::ScratchDir dir("idx");
  write_mnist_like(dir, 50, 4, 4);
  gzip_file(dir.file("images"), dir.file("images.gz"));
  auto bytes = test::read_all(dir.file("images.gz"));
  for (std::size_t i = 20; i < bytes.size() - 10; i += 3) bytes[i] ^= 0x5a;
  test::write_bytes(dir.file("images.gz"), bytes);
  test::check_error<FileError>([&] { read_idx(dir.file("images.gz")); }, {"images.gz"});
}

BOOST_AUTO_TEST_CASE(labels_must_match_images) {
  test::ScratchDir dir("idx");
  write_mnist_like(dir, 10, 2, 2);
  // Label 10 does not exist among 10 classes.
  auto labels = idx_header(8, {10});
  for (int i = 0; i < 10; ++i) labels.push_back(i == 6 ? 10 : 1);
  test::write_bytes(dir.file("labels_bad"), labels);
  test::check_error<FileError>([&] { load_idx_dataset(dir.file("images"), dir.file("labels_bad"), kDigits, "t"); },
                               {"labels_bad", "label 10 of item 6 outside [0, 10)"});
  // Nine labels for ten images.
  labels = idx_header(8, {9});
  labels.insert(labels.end(), 9, 1);
  test::write_bytes(dir.file("labels_short"), labels);
  test::check_error<FileError>([&] { load_idx_dataset(dir.file("images"), dir.file("labels_short"), kDigits, "t"); },
                               {"labels_short", "9 labels for 10 images"});
  // Images passed as labels: wrong rank.
  test::check_error<FileError>([&] { load_idx_dataset(dir.file("images"), dir.file("images"), kDigits, "t"); },
                               {"expected labels of rank 1"});
  test::check_error<FileError>([&] { load_idx_dataset(dir.file("labels"), dir.file("labels"), kDigits, "t"); },
                               {"expected images of rank 3"});
}

BOOST_AUTO_TEST_SUITE_END()
