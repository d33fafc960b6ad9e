#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <csignal>

#include <boost/test/unit_test.hpp>
#include <H5Cpp.h>

#include "lecon/core/atomic_file.hpp"
#include "lecon/core/data_store.hpp"
#include "lecon/core/hdf5_io.hpp"
#include "lecon/core/rng.hpp"
#include "test_util.hpp"

using namespace lecon;

BOOST_AUTO_TEST_SUITE(hdf5)

template <typename T>
Tensor<T> random_tensor(const Shape& s, std::uint64_t seed) {
  Tensor<T> t(s);
  Rng(seed).fill_normal(t.matrix(), T(0), T(1));
  return t;
}

BOOST_AUTO_TEST_CASE(float_and_double_tensors_round_trip_in_every_rank) {
  test::ScratchDir dir("h5");
  const std::string path = dir.file("t.h5");
  const auto f1 = random_tensor<float>(Shape{7}, 1);
  const auto f2 = random_tensor<float>(Shape{5, 3}, 2);
  const auto d3 = random_tensor<double>(Shape{4, 3, 2}, 3);
  const auto d4 = random_tensor<double>(Shape{2, 3, 4, 5}, 4);
  {
    H5Writer w(path);
    w.write("/a/rank1", f1);
    w.write("/a/rank2", f2);
    w.write("/b/c/rank3", d3);
    w.write("rank4", d4);
    w.commit();
  }
  const H5Reader r(path);
  BOOST_TEST(r.exists("/b/c/rank3"));
  BOOST_TEST(!r.exists("/b/nothing/here"));
  BOOST_TEST(r.shape("/rank4").str() == "(2, 3, 4, 5)");
  BOOST_TEST(arma::approx_equal(r.read<float>("/a/rank1").matrix(), f1.matrix(), "absdiff", 0.0f));
  BOOST_TEST(arma::approx_equal(r.read<float>("/a/rank2").matrix(), f2.matrix(), "absdiff", 0.0f));
  BOOST_TEST(arma::approx_equal(r.read<double>("/b/c/rank3").matrix(), d3.matrix(), "absdiff", 0.0));
  const Tensor<double> back = r.read<double>("/rank4");
  BOOST_TEST((back.shape() == d4.shape()));
  BOOST_TEST(back.at(1, 2, 3, 4) == d4.at(1, 2, 3, 4));
  // A double dataset read as float is converted by HDF5.
  BOOST_TEST(std::abs(r.read<float>("/rank4").at(1, 2, 3, 4) - float(d4.at(1, 2, 3, 4))) < 1e-6f);
}

BOOST_AUTO_TEST_CASE(attributes_labels_and_bytes_round_trip) {
  test::ScratchDir dir("h5");
  const std::string path = dir.file("attrs.h5");
  {
    H5Writer w(path);
    w.write_labels("/train/y", arma::uvec{3, 0, 9, 4});
    w.write_bytes("/train/x", Shape{2, 3}, {0, 1, 2, 253, 254, 255});
    w.set_attribute("/", "source", "unit test");
    w.set_attribute("/", "version", 3.5);
    w.set_attribute("/", "class_names", std::vector<std::string>{"zero", "one", "two words"});
    w.set_attribute("/train/x", "pixels", "uint8");
    w.set_attribute("/meta", "note", "a group made for its attribute");
    w.commit();
  }
  const H5Reader r(path);
  BOOST_TEST(arma::all(r.read_labels("/train/y") == arma::uvec{3, 0, 9, 4}));
  Shape s;
  const auto bytes = r.read_bytes("/train/x", s);
  BOOST_TEST(s.str() == "(2, 3)");
  BOOST_TEST(bytes[5] == 255);
  BOOST_TEST(r.attribute_string("/", "source") == "unit test");
  BOOST_TEST(r.attribute_number("/", "version") == 3.5);
  BOOST_TEST(r.attribute_strings("/", "class_names") == (std::vector<std::string>{"zero", "one", "two words"}));
  BOOST_TEST(r.attribute_string("/train/x", "pixels") == "uint8");
  BOOST_TEST(r.attribute_string("/meta", "note") == "a group made for its attribute");
  BOOST_TEST(!r.has_attribute("/", "absent"));
  test::check_error<FileError>([&] { r.attribute_string("/", "absent"); }, {path, "attribute /@absent not found"});
  test::check_error<FileError>([&] { r.attribute_number("/", "source"); }, {path, "expected a number"});
  test::check_error<FileError>([&] { r.read<float>("/nothing"); }, {path, "dataset /nothing not found"});
  test::check_error<FileError>([&] { r.read_labels("/train/x"); }, {path, "labels must be rank 1"});
}

BOOST_AUTO_TEST_CASE(words_round_trip_all_64_bits) {
  test::ScratchDir dir("h5");
  const std::string path = dir.file("words.h5");
  // Values a double cannot hold: above 2^53, odd, the largest.
  const std::vector<std::uint64_t> words = {0, 1, (1ULL << 53) + 1, 0x9e3779b97f4a7c15ULL, UINT64_MAX};
  {
    H5Writer w(path);
    w.write_words("/state/words", words);
    w.write_words("/state/none", {});
    w.write("/state/floats", Tensor<double>(Shape{5}));
    w.write_labels("/state/labels", arma::uvec{1, 2, 3, 4, 5});
    w.commit();
  }
  const H5Reader r(path);
  BOOST_TEST(r.read_words("/state/words") == words);
  BOOST_TEST(r.read_words("/state/none").empty());
  BOOST_TEST(r.stored_type("/state/words").str() == "64-bit unsigned integers");
  test::check_error<FileError>([&] { r.read_words("/state/floats"); }, {path, "expected 64-bit unsigned integers, got 64-bit floats"});
  test::check_error<FileError>([&] { r.read_words("/state/labels"); }, {path, "got 32-bit unsigned integers"});
  test::check_error<FileError>([&] { r.read_words("/state/absent"); }, {path, "not found"});
}

BOOST_AUTO_TEST_CASE(missing_and_foreign_files_are_named_in_the_error) {
  test::ScratchDir dir("h5");
  test::check_error<FileError>([&] { H5Reader r(dir.file("absent.h5")); }, {"absent.h5", "file not found"});
  test::write_text(dir.file("text.h5"), "this is not HDF5\n");
  test::check_error<FileError>([&] { H5Reader r(dir.file("text.h5")); }, {"text.h5", "not an HDF5 file"});
  test::check_error<FileError>([&] { H5Writer w(dir.file("no/such/dir/x.h5")); },
                               {"x.h5: cannot save: directory ", "no/such/dir: No such file or directory"});
  test::check_error<FileError>([&] { H5Reader r(dir.path().string()); }, {"is a directory, expected an HDF5 file"});
}

BOOST_AUTO_TEST_CASE(writes_are_atomic) {
  test::ScratchDir dir("h5");
  const std::string path = dir.file("model.h5");
  {
    H5Writer good(path);
    good.write("/w", Tensor<float>(Shape{2, 2}));
    good.commit();
  }
  {
    H5Writer interrupted(path);  // e.g. an exception while saving: no commit
    interrupted.write("/w", Tensor<float>(Shape{9, 9}));
    interrupted.write("/other", Tensor<float>(Shape{1}));
  }
  // The earlier file is intact and no temporary file is left behind.
  const H5Reader r(path);
  BOOST_TEST(r.shape("/w").str() == "(2, 2)");
  BOOST_TEST(!r.exists("/other"));
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) files += entry.is_regular_file();
  BOOST_TEST(files == 1u);
}

// ---------------------------------------------------------------- hostile files (issue: no crash, no huge allocation)

namespace {

// A plain HDF5 file (no lecon header), as another tool would write it, with one dataset of any declared
// shape: HDF5 allocates a contiguous dataset's storage only when it is written, so the file stays tiny.
void plain_file_with_shape(const std::string& path, const std::vector<hsize_t>& dims, const H5::PredType& type) {
  H5::H5File file(path, H5F_ACC_TRUNC);
  H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
  H5::DSetCreatPropList create;
  create.setAllocTime(H5D_ALLOC_TIME_LATE);
  file.createDataSet("x", type, space, create);
}

std::size_t count_files(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for (auto it = std::filesystem::directory_iterator(dir); it != std::filesystem::directory_iterator(); ++it) ++n;
  return n;
}

void save_small(const std::string& path, float value) {
  H5Writer w(path);
  Tensor<float> t(Shape{4, 4});
  t.matrix().fill(value);
  w.write("/w", t);
  w.commit();
}

float stored_value(const std::string& path) { return H5Reader(path).read<float>("/w").matrix()(0, 0); }

}  // namespace

BOOST_AUTO_TEST_CASE(shapes_that_overflow_or_exceed_the_file_are_refused_before_allocation) {
  test::ScratchDir dir("h5");
  // 65536^4 wraps to 0 in 64 bits; lecon's Shape refuses it whatever the source.
  test::check_error<Error>([] { Shape s{65536, 65536, 65536, 65536}; }, {"(65536, 65536, 65536, 65536) holds more than 2^31 elements"});
  test::check_error<Error>([] { Shape s{0, 65536, 65536, 65536}; }, {"holds more than 2^31 elements"});
  test::check_error<Error>([] { Shape{10, 3}.with_batch(std::size_t(1) << 40); }, {"holds more than 2^31 elements"});
  plain_file_with_shape(dir.file("wrap.h5"), {65536, 65536, 65536, 65536}, H5::PredType::NATIVE_UINT8);
  test::check_error<FileError>([&] { H5Reader(dir.file("wrap.h5")).read<float>("/x"); },
                               {"wrap.h5: /x: shape (65536, 65536, 65536, 65536) holds more than 2^31 elements"});
  plain_file_with_shape(dir.file("long.h5"), {274177, 67280421310721ull}, H5::PredType::NATIVE_FLOAT);
  test::check_error<FileError>([&] { H5Reader(dir.file("long.h5")).read<float>("/x"); }, {"long.h5: /x: shape (274177, 67280421310721)"});
  plain_file_with_shape(dir.file("big.h5"), {std::size_t(1) << 31, 1, 28, 28}, H5::PredType::NATIVE_UINT8);
  test::check_error<FileError>([&] {
    Shape s;
    H5Reader(dir.file("big.h5")).read_bytes("/x", s);
  }, {"big.h5: /x: shape (2147483648, 1, 28, 28) holds more than 2^31 elements"});
  // The file that segfaulted labs 00 and 09: a data set whose images are 65536^4 (the element count wrapped to 0).
  std::filesystem::create_directory(dir.file("data"));
  {
    H5::H5File file(dir.file("data") + "/mnist.h5", H5F_ACC_TRUNC);
    const hsize_t dims[4] = {65536, 65536, 65536, 65536};
    H5::DSetCreatPropList create;
    create.setAllocTime(H5D_ALLOC_TIME_LATE);
    file.createGroup("/train");
    file.createDataSet("/train/x", H5::PredType::NATIVE_UINT8, H5::DataSpace(4, dims), create);
  }
  test::check_error<FileError>([&] { load_data(dir.file("data"), "mnist"); },
                               {"mnist.h5: /train/x: shape (65536, 65536, 65536, 65536) holds more than 2^31 elements"});
  // Under the cap, but more bytes than the file holds: refused before the 188 MB allocation.
  plain_file_with_shape(dir.file("lies.h5"), {60000, 784}, H5::PredType::NATIVE_FLOAT);
  test::check_error<FileError>([&] { H5Reader(dir.file("lies.h5")).read<float>("/x"); },
                               {"lies.h5: /x: shape (60000, 784) declares 188160000 bytes of data, but the file holds only "});
}

BOOST_AUTO_TEST_CASE(negative_labels_are_an_error_not_class_0) {
  test::ScratchDir dir("h5");
  {
    H5::H5File file(dir.file("labels.h5"), H5F_ACC_TRUNC);
    hsize_t n = 4;
    H5::DataSet set = file.createDataSet("y", H5::PredType::NATIVE_INT32, H5::DataSpace(1, &n));
    const std::int32_t values[4] = {3, 0, -1, 2};
    set.write(values, H5::PredType::NATIVE_INT32);
  }
  test::check_error<FileError>([&] { H5Reader(dir.file("labels.h5")).read_labels("/y"); },
                               {"labels.h5: /y: label -1 at position 2 is not a class number"});
}

BOOST_AUTO_TEST_CASE(every_written_file_carries_a_checksum_that_reading_verifies) {
  test::ScratchDir dir("h5");
  const std::string path = dir.file("c.h5");
  save_small(path, 1.5f);
  const std::vector<std::uint8_t> good = test::read_all(path);
  BOOST_TEST(std::string(good.begin(), good.begin() + 19) == "lecon-hdf5 1\ncrc32 ");
  BOOST_TEST(H5Reader(path, Integrity::required).verified());
  // Strings are fixed-length (kept out of HDF5's global heap).
  {
    H5Writer w(dir.file("s.h5"));
    w.set_attribute("/", "name", "value");
    w.set_attribute("/", "empty", "");
    w.set_attribute("/", "list", std::vector<std::string>{"a", "", "three"});
    w.commit();
    const H5Reader r(dir.file("s.h5"));
    BOOST_TEST(r.attribute_string("/", "name") == "value");
    BOOST_TEST(r.attribute_string("/", "empty") == "");
    BOOST_TEST(r.attribute_strings("/", "list") == (std::vector<std::string>{"a", "", "three"}));
    H5::H5File raw(dir.file("s.h5"), H5F_ACC_RDONLY);
    BOOST_TEST(!raw.openAttribute("name").getStrType().isVariableStr());
    BOOST_TEST(!raw.openAttribute("list").getStrType().isVariableStr());
  }
  auto flipped = [&](std::size_t offset, unsigned bit) {
    std::vector<std::uint8_t> bytes = good;
    bytes[offset] ^= static_cast<std::uint8_t>(1u << bit);
    test::write_bytes(path, bytes);
  };
  flipped(good.size() - 100, 3);  // inside the HDF5 data
  test::check_error<FileError>([&] { H5Reader r(path); }, {"c.h5: checksum mismatch (stored crc32 ", "the file is damaged"});
  flipped(2, 0);  // the header's magic
  test::check_error<FileError>([&] { H5Reader r(path); }, {"c.h5: not an HDF5 file (wrong signature)"});
  flipped(20, 1);  // a digit of the stored CRC
  test::check_error<FileError>([&] { H5Reader r(path); }, {"c.h5: ", "damaged"});
  flipped(300, 5);  // the header's zero padding
  test::check_error<FileError>([&] { H5Reader r(path); }, {"c.h5: damaged: lecon's checksum header is unreadable"});
  std::vector<std::uint8_t> cut(good.begin(), good.end() - 1);
  test::write_bytes(path, cut);
  test::check_error<FileError>([&] { H5Reader r(path); }, {"c.h5: damaged or truncated: the header promises"});
  cut.assign(good.begin(), good.begin() + 100);
  test::write_bytes(path, cut);
  test::check_error<FileError>([&] { H5Reader r(path); }, {"c.h5: truncated: the file ends inside lecon's 512-byte header"});
  // A plain HDF5 file (h5py's) is read unverified where allowed, refused where a checksum is required.
  plain_file_with_shape(dir.file("plain.h5"), {2, 2}, H5::PredType::NATIVE_FLOAT);
  BOOST_TEST(!H5Reader(dir.file("plain.h5")).verified());
  test::check_error<FileError>([&] { H5Reader r(dir.file("plain.h5"), Integrity::required); }, {"plain.h5: no lecon checksum header"});
}

BOOST_AUTO_TEST_CASE(non_regular_targets_are_refused_and_left_alone) {
  test::ScratchDir dir("h5");
  save_small(dir.file("real.h5"), 2.0f);
  std::filesystem::create_symlink(dir.file("real.h5"), dir.file("link.h5"));
  test::check_error<FileError>([&] { save_small(dir.file("link.h5"), 3.0f); }, {"link.h5: cannot save: it is a symbolic link"});
  BOOST_TEST(std::filesystem::is_symlink(dir.file("link.h5")));
  BOOST_TEST(stored_value(dir.file("real.h5")) == 2.0f);
  BOOST_REQUIRE(mkfifo(dir.file("pipe.h5").c_str(), 0644) == 0);
  test::check_error<FileError>([&] { save_small(dir.file("pipe.h5"), 3.0f); }, {"pipe.h5: cannot save: it is not a regular file"});
  std::filesystem::create_directory(dir.file("folder.h5"));
  test::check_error<FileError>([&] { save_small(dir.file("folder.h5"), 3.0f); }, {"folder.h5: cannot save: it is a directory"});
  test::check_error<FileError>([&] { check_save_target("/dev/null"); }, {"/dev/null: cannot save: it is not a regular file"});
  std::filesystem::permissions(dir.file("real.h5"), std::filesystem::perms::owner_read | std::filesystem::perms::group_read);
  test::check_error<FileError>([&] { save_small(dir.file("real.h5"), 3.0f); }, {"real.h5: cannot save: the file is read-only (mode 0440)"});
  BOOST_TEST(stored_value(dir.file("real.h5")) == 2.0f);
  BOOST_TEST(count_files(dir.path()) == 4u);  // real, link, pipe, folder: no temporary left
}

BOOST_AUTO_TEST_CASE(a_failing_write_keeps_the_old_file_and_leaves_no_temporary) {
  test::ScratchDir dir("h5");
  const std::string path = dir.file("m.h5");
  save_small(path, 1.0f);
  // The OS refuses writes past 4 KiB (RLIMIT_FSIZE: EFBIG), as a full disk refuses them (ENOSPC).
  struct sigaction ignore {}, previous {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGXFSZ, &ignore, &previous);
  rlimit old_limit{};
  getrlimit(RLIMIT_FSIZE, &old_limit);
  rlimit small = old_limit;
  small.rlim_cur = 4096;
  BOOST_REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
  try {
    H5Writer w(path);
    w.write("/w", Tensor<float>(Shape{100, 100}));  // 40 KB
    w.commit();
    BOOST_ERROR("a save past the file size limit succeeded");
  } catch (const FileError& e) {
    BOOST_TEST(std::string(e.what()).find("m.h5: cannot save (write failed): File too large; the previous file, if any, is unchanged") !=
               std::string::npos, e.what());
  }
  setrlimit(RLIMIT_FSIZE, &old_limit);
  sigaction(SIGXFSZ, &previous, nullptr);
  BOOST_TEST(stored_value(path) == 1.0f);
  BOOST_TEST(count_files(dir.path()) == 1u);
}

// Whether this process may mount a tmpfs (root, outside a container that forbids it): tried once, undone.
struct CanMountTmpfs {
  boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
    test::ScratchDir dir("h5-mount");
    const std::string point = dir.file("probe");
    std::filesystem::create_directory(point);
    const bool mounted = mount("tmpfs", point.c_str(), "tmpfs", 0, "size=64k") == 0;
    const int error = errno;
    if (mounted) umount(point.c_str());
    boost::test_tools::assertion_result can(mounted);
    if (!mounted) can.message() << "cannot mount a small tmpfs here (" << std::strerror(error) << ")";
    return can;
  }
};

// Real file systems: a 64 KiB tmpfs, then the same mounted read-only. Needs root (CI and make test run as root);
// elsewhere Boost.Test reports the case as skipped, with the reason, instead of passing it unchecked.
BOOST_AUTO_TEST_CASE(a_full_disk_and_a_read_only_file_system_are_clear_errors, *boost::unit_test::precondition(CanMountTmpfs())) {
  test::ScratchDir dir("h5");
  const std::string mount_point = dir.file("disk");
  std::filesystem::create_directory(mount_point);
  BOOST_REQUIRE_MESSAGE(mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=64k") == 0, "mount: " << std::strerror(errno));
  const std::string path = mount_point + "/m.h5";
  save_small(path, 1.0f);
  const std::vector<std::uint8_t> before = test::read_all(path);
  test::check_error<FileError>([&] {
    H5Writer w(path);
    w.write("/w", Tensor<float>(Shape{100, 100}));  // 40 KB beside the old file: fits
    w.write("/v", Tensor<float>(Shape{100, 100}));  // another 40 KB: the disk is full
    w.commit();
  }, {"m.h5: cannot save (write failed): No space left on device; the previous file, if any, is unchanged"});
  BOOST_TEST((test::read_all(path) == before));
  BOOST_TEST(count_files(mount_point) == 1u);
  BOOST_REQUIRE(mount("tmpfs", mount_point.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, "size=64k") == 0);
  test::check_error<FileError>([&] { save_small(path, 2.0f); }, {"m.h5: cannot save: cannot create a file in ", "Read-only file system"});
  BOOST_TEST(stored_value(path) == 1.0f);
  BOOST_TEST(umount(mount_point.c_str()) == 0);
}

BOOST_AUTO_TEST_CASE(temporaries_of_dead_processes_are_removed_and_names_stay_short) {
  test::ScratchDir dir("h5");
  const std::string path = dir.file("model.h5");
  const pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);  // its pid is now free: a process that died while saving
  const std::string stale = temporary_path(path, child, 0);
  const std::string alive = temporary_path(path, 1, 0);  // pid 1 lives: maybe still saving
  const std::string other = temporary_path(dir.file("other.h5"), child, 0);
  test::write_text(stale, "half a file");
  test::write_text(alive, "half a file");
  test::write_text(other, "half a file");
  BOOST_TEST(std::filesystem::path(stale).filename().string().size() < 48u);
  save_small(path, 1.0f);
  BOOST_TEST(!std::filesystem::exists(stale));
  BOOST_TEST(std::filesystem::exists(alive));
  BOOST_TEST(std::filesystem::exists(other));  // another target's temporary is not ours to judge now
  // A legal 251-character name saves: the temporary's name does not grow with it.
  const std::string long_name = dir.file(std::string(248, 'n') + ".h5");
  save_small(long_name, 4.0f);
  BOOST_TEST(stored_value(long_name) == 4.0f);
}

BOOST_AUTO_TEST_SUITE_END()
