#include <boost/test/unit_test.hpp>

#include "core/error_message.hpp"
#include "lecon/core/loaders.hpp"
#include "test_util.hpp"

using namespace lecon;

namespace {

// n records; record i has label(s) from `label`, and pixel byte p = (i * 7 + p) % 256.
// n records; pixel p of record i is (i·7 + p + shift) mod 256 (shift tells files apart).
std::vector<std::uint8_t> cifar_records(std::size_t n, std::size_t label_bytes, const std::function<std::uint8_t(std::size_t, std::size_t)>& label,
                                        std::size_t shift = 0) {
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t b = 0; b < label_bytes; ++b) bytes.push_back(label(i, b));
    for (std::size_t p = 0; p < 3072; ++p) bytes.push_back(static_cast<std::uint8_t>((i * 7 + p + shift) % 256));
  }
  return bytes;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cifar)

BOOST_AUTO_TEST_CASE(cifar10_records_become_rgb_images) {
  test::ScratchDir dir("cifar");
  test::write_bytes(dir.file("b.bin"), cifar_records(5, 1, [](std::size_t i, std::size_t) { return std::uint8_t(i * 2); }));
  const Dataset d = read_cifar_file(dir.file("b.bin"), CifarKind::cifar10, "c10");
  BOOST_TEST(d.x.shape().str() == "(5, 3, 32, 32)");
  BOOST_TEST(d.y[4] == 8u);
  // Channel-major planes of 32x32, rows of 32: (i, green, y=1, x=2) is pixel byte 1024 + 32 + 2.
  BOOST_TEST(d.x.at(3, 1, 1, 2) == float((3 * 7 + 1024 + 32 + 2) % 256) / 255.0f);
}

BOOST_AUTO_TEST_CASE(cifar100_has_coarse_and_fine_labels) {
  test::ScratchDir dir("cifar");
  test::write_bytes(dir.file("train.bin"), cifar_records(4, 2, [](std::size_t i, std::size_t b) { return std::uint8_t(b == 0 ? i + 10 : 90 + i); }));
  test::write_bytes(dir.file("test.bin"), cifar_records(2, 2, [](std::size_t, std::size_t b) { return std::uint8_t(b == 0 ? 1 : 2); }));
  const Dataset fine = read_cifar_file(dir.file("train.bin"), CifarKind::cifar100_fine, "f");
  const Dataset coarse = read_cifar_file(dir.file("train.bin"), CifarKind::cifar100_coarse, "c");
  BOOST_TEST(fine.y[3] == 93u);
  BOOST_TEST(coarse.y[3] == 13u);
  BOOST_TEST(fine.classes() == 100u);
  const DataSplit split = load_cifar100_dir(dir.path().string());  // no name files: numbered classes
  BOOST_TEST(split.train.size() == 4u);
  BOOST_TEST(split.test.y[1] == 2u);
  BOOST_TEST(split.train.class_names[99] == "class 99");
}

BOOST_AUTO_TEST_CASE(cifar10_directory_with_class_names) {
  test::ScratchDir dir("cifar");
  for (int b = 1; b <= 5; ++b)
    test::write_bytes(dir.file("data_batch_" + std::to_string(b) + ".bin"),
                      cifar_records(3, 1, [b](std::size_t i, std::size_t) { return std::uint8_t((b + i) % 10); }, 31 * b));
  test::write_bytes(dir.file("test_batch.bin"), cifar_records(2, 1, [](std::size_t, std::size_t) { return std::uint8_t(9); }));
  test::write_text(dir.file("batches.meta.txt"), "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");
  const DataSplit split = load_cifar10_dir(dir.path().string());
  BOOST_TEST(split.train.size() == 15u);
  BOOST_TEST(split.test.class_names[9] == "truck");
  // Batches 1 to 5 in order, each image with its own label: sample k is record k mod 3 of batch k / 3 + 1.
  for (std::size_t k = 0; k < 15; ++k) {
    const std::size_t b = k / 3 + 1, r = k % 3;
    BOOST_TEST(split.train.y[k] == (b + r) % 10, "sample " << k);
    BOOST_TEST(split.train.x.at(k, 0, 0, 0) == float((r * 7 + 31 * b) % 256) / 255.0f, "sample " << k);
    BOOST_TEST(split.train.x.at(k, 2, 31, 31) == float((r * 7 + 3071 + 31 * b) % 256) / 255.0f, "sample " << k);
  }
}

BOOST_AUTO_TEST_CASE(bad_cifar_files) {
  test::ScratchDir dir("cifar");
  const std::string f = dir.file("bad.bin");
  test::check_error<FileError>([&] { read_cifar_file(dir.file("none.bin"), CifarKind::cifar10, "x"); }, {"none.bin", "file not found"});
  auto bytes = cifar_records(3, 1, [](std::size_t, std::size_t) { return std::uint8_t(1); });
  bytes.resize(bytes.size() - 100);  // truncated last record
  test::write_bytes(f, bytes);
  test::check_error<FileError>([&] { read_cifar_file(f, CifarKind::cifar10, "x"); }, {f, "not a whole number of 3073-byte"});
  test::write_bytes(f, cifar_records(3, 1, [](std::size_t i, std::size_t) { return std::uint8_t(i == 2 ? 10 : 0); }));
  test::check_error<FileError>([&] { read_cifar_file(f, CifarKind::cifar10, "x"); }, {f, "label 10 of record 2 outside [0, 10)"});
  test::write_bytes(f, {});
  test::check_error<FileError>([&] { read_cifar_file(f, CifarKind::cifar10, "x"); }, {f, "empty file"});
  // A CIFAR-10 file read as CIFAR-100 has the wrong record size.
  test::write_bytes(f, cifar_records(2, 1, [](std::size_t, std::size_t) { return std::uint8_t(1); }));
  test::check_error<FileError>([&] { read_cifar_file(f, CifarKind::cifar100_fine, "x"); }, {f, "3074-byte"});
  test::check_error<FileError>([&] { load_cifar10_dir(dir.path().string()); }, {"data_batch_1.bin", "file not found"});
}

// Issue 9: a directory given as a file said "file not found".
BOOST_AUTO_TEST_CASE(directories_and_files_are_told_apart) {
  test::ScratchDir dir("cifar");
  const std::string folder = dir.path().string();
  test::check_message<FileError>([&] { read_cifar_file(folder, CifarKind::cifar10, "x"); }, folder + ": is a directory, expected a file");
  std::filesystem::create_directory(dir.file("data_batch_1.bin"));  // a batch that is a directory
  test::check_message<FileError>([&] { load_cifar10_dir(folder); }, dir.file("data_batch_1.bin") + ": is a directory, expected a file");
  test::check_message<FileError>([&] { load_cifar10_dir(dir.file("absent")); },
                                 dir.file("absent") + ": directory not found, expected the CIFAR-10 binary directory "
                                                      "cifar-10-batches-bin (data_batch_1.bin ... test_batch.bin)");
  test::write_bytes(dir.file("train.bin"), cifar_records(1, 2, [](std::size_t, std::size_t) { return std::uint8_t(0); }));
  test::check_message<FileError>([&] { load_cifar100_dir(dir.file("train.bin")); },
                                 dir.file("train.bin") + ": is not a directory, expected the CIFAR-100 binary directory "
                                                         "cifar-100-binary (train.bin, test.bin)");
  // A class-name file that is a directory is not silently replaced by numbered names.
  test::write_bytes(dir.file("test.bin"), cifar_records(1, 2, [](std::size_t, std::size_t) { return std::uint8_t(0); }));
  std::filesystem::create_directory(dir.file("fine_label_names.txt"));
  test::check_message<FileError>([&] { load_cifar100_dir(folder); }, dir.file("fine_label_names.txt") + ": is a directory, expected a file");
}

BOOST_AUTO_TEST_SUITE_END()
