// The CIFAR-10 JPEG-mirror decoder (data/cifar_jpeg) on small mirrors the test builds: JPEGs made with
// libjpeg, tarred in the official ustar layout and gzipped with zlib. A good mirror decodes to pixels close
// to those encoded; each kind of bad member stops lecon_convert_data with one line naming the batch and
// the member, exit 2, and no data file (an older one stays as it was).
#include <zlib.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "lecon/cifar_jpeg/cifar_jpeg_mirror.hpp"
#include "lecon/cifar_jpeg/jpeg_image.hpp"
#include "lecon/cifar_jpeg/ustar.hpp"
#include "lecon/core/data_store.hpp"
#include "lecon/core/rng.hpp"
#include "test_util.hpp"

using namespace lecon;

namespace {

constexpr std::size_t kImages = 4;  // per batch
const std::vector<std::string> kBatches = {"data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"};

// A smooth 32x32 RGB picture (JPEG keeps smooth pictures well, chroma subsampling included) that differs
// per image and per channel (channel c sits about 30c above channel 0): rows of R, G, B interleaved, as
// libjpeg takes them. Values stay within 20-253.
std::vector<std::uint8_t> picture(std::size_t index, std::size_t height = 32, std::size_t width = 32, int components = 3) {
  std::vector<std::uint8_t> pixels;
  for (std::size_t y = 0; y < height; ++y)
    for (std::size_t x = 0; x < width; ++x)
      for (int c = 0; c < components; ++c)
        pixels.push_back(static_cast<std::uint8_t>(20 + 30 * c + 2 * x + y * (index % 3 + 1) + 2 * (index % 10)));
  return pixels;
}

// One ustar member: a 512-byte header (checksum over the header with its own field as spaces), the bytes,
// padding to a whole block.
void add_member(std::vector<std::uint8_t>& tar, const std::string& name, const std::vector<std::uint8_t>& bytes) {
  std::vector<std::uint8_t> header(512, 0);
  auto put = [&](std::size_t offset, const std::string& text) { std::copy(text.begin(), text.end(), header.begin() + static_cast<std::ptrdiff_t>(offset)); };
  char number[16];
  put(0, name);
  put(100, "0000644");
  put(108, "0000000");
  put(116, "0000000");
  std::snprintf(number, sizeof number, "%011zo", bytes.size());
  put(124, number);
  put(136, "00000000000");
  put(156, "0");
  put(257, "ustar");
  put(263, "00");
  put(148, "        ");
  unsigned sum = 0;
  for (std::uint8_t b : header) sum += b;
  std::snprintf(number, sizeof number, "%06o", sum);
  put(148, number);
  header[154] = 0;
  tar.insert(tar.end(), header.begin(), header.end());
  tar.insert(tar.end(), bytes.begin(), bytes.end());
  tar.resize((tar.size() + 511) / 512 * 512, 0);
}

void write_gzip(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  BOOST_REQUIRE(file != nullptr);
  BOOST_REQUIRE(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size()));
  gzclose(file);
}

struct Batch {
  std::string labels;                           // labels.txt
  std::vector<std::vector<std::uint8_t>> jpegs;  // 00000.jpg, ...
};

Batch good_batch(std::size_t b) {
  Batch batch;
  for (std::size_t i = 0; i < kImages; ++i) {
    batch.labels += std::to_string((b + 3 * i) % 10) + "\n";
    batch.jpegs.push_back(encode_jpeg(picture(b * kImages + i), 32, 32, 3, 95));
  }
  return batch;
}

void write_batch(const std::string& path, const Batch& batch) {
  std::vector<std::uint8_t> tar;
  add_member(tar, "labels.txt", std::vector<std::uint8_t>(batch.labels.begin(), batch.labels.end()));
  for (std::size_t i = 0; i < batch.jpegs.size(); ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "%05zu.jpg", i);
    add_member(tar, name, batch.jpegs[i]);
  }
  tar.resize(tar.size() + 1024, 0);  // the two end-of-archive blocks
  write_gzip(path, tar);
}

// A whole mirror in <dir>/cifar10-jpeg, batch 3 replaced by `third` when given.
std::string write_mirror(const test::ScratchDir& dir, const Batch* third = nullptr) {
  const std::filesystem::path mirror = dir.path() / "cifar10-jpeg";
  std::filesystem::create_directories(mirror);
  for (std::size_t b = 0; b < kBatches.size(); ++b) write_batch((mirror / (kBatches[b] + ".tar.gz")).string(), b == 2 && third ? *third : good_batch(b));
  test::write_text((mirror / "batches.meta.txt").string(), "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n");
  return mirror.string();
}

struct Run {
  int status = 0;
  std::string err;
};

// lecon_convert_data cifar10-jpeg <mirror> <out> 4, as `make data` runs it.
Run convert(const std::string& mirror, const std::string& out, const test::ScratchDir& dir) {
  const std::string err_file = dir.file("stderr.txt");
  const std::string command = std::string(LECON_CONVERT_DATA) + " cifar10-jpeg '" + mirror + "' '" + out + "' " + std::to_string(kImages) +
                              " > /dev/null 2> '" + err_file + "'";
  const int raw = std::system(command.c_str());
  Run run;
  run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  const std::vector<std::uint8_t> bytes = test::read_all(err_file);
  run.err.assign(bytes.begin(), bytes.end());
  return run;
}

// A bad mirror: exit 2, exactly one line containing `expected`, and out untouched (absent, or as it was).
void require_refused(const Batch& third, const std::string& expected, const std::string& what) {
  test::ScratchDir dir("cifar-jpeg-bad");
  const std::string mirror = write_mirror(dir, &third);
  const std::string out = dir.file("cifar10.h5");
  const Run run = convert(mirror, out, dir);
  BOOST_TEST_MESSAGE(what << ": " << run.err);
  BOOST_TEST(run.status == 2, what);
  BOOST_TEST(std::count(run.err.begin(), run.err.end(), '\n') == 1, what << ": " << run.err);
  BOOST_TEST(run.err.find(expected) != std::string::npos, what << ": '" << run.err << "' lacks '" << expected << "'");
  BOOST_TEST(!std::filesystem::exists(out), what);
  std::size_t leftovers = 0;  // no temporary file of the failed save either
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) leftovers += entry.path().extension() == ".lecon-tmp";
  BOOST_TEST(leftovers == 0u, what);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cifar_jpeg)

BOOST_AUTO_TEST_CASE(a_good_mirror_decodes_close_to_the_encoded_pixels) {
  test::ScratchDir dir("cifar-jpeg");
  const std::string mirror = write_mirror(dir);
  const std::string data_dir = dir.path().string();
  const Run run = convert(mirror, data_dir + "/cifar10.h5", dir);
  BOOST_TEST(run.status == 0, run.err);
  const DataSplit split = load_data(data_dir, "cifar10");
  BOOST_TEST(split.source == "CIFAR-10, JPEG q75 re-encoding");
  BOOST_TEST(split.train.x.shape().str() == "(20, 3, 32, 32)");
  BOOST_TEST(split.test.x.shape().str() == "(4, 3, 32, 32)");
  BOOST_TEST(split.train.class_names.at(9) == "truck");
  for (std::size_t b = 0; b < kBatches.size(); ++b) {
    const Dataset& part = b < 5 ? split.train : split.test;
    for (std::size_t i = 0; i < kImages; ++i) {
      const std::size_t n = (b < 5 ? b * kImages : 0) + i;
      BOOST_TEST(part.y[n] == (b + 3 * i) % 10);
      // The encoded picture against the decoded sample, channel-major as the binary files: mean absolute
      // error on the 0-255 scale. Quality 95 on a smooth picture: a few levels at most. A swapped channel
      // order or a transposed image would be off by tens.
      const std::vector<std::uint8_t> original = picture(b * kImages + i);
      double error = 0;
      for (std::size_t p = 0; p < 1024; ++p)
        for (std::size_t c = 0; c < 3; ++c) error += std::abs(255.0 * part.x.at(n, c, p / 32, p % 32) - original[3 * p + c]);
      error /= 3072;
      BOOST_TEST(error < 3.0, kBatches[b] << " image " << i << ": mean absolute error " << error);
      BOOST_TEST(error > 0.0);  // JPEG is lossy: equal pixels would mean the test compared the wrong things
    }
  }
  // decode_jpeg alone, on the first picture: the decoded size and pixels.
  const RgbImage image = decode_jpeg(encode_jpeg(picture(0), 32, 32, 3, 95));
  BOOST_TEST(image.height == 32u);
  BOOST_TEST(image.width == 32u);
  BOOST_TEST(std::abs(int(image.pixels[3 * 33 + 2]) - int(picture(0)[3 * 33 + 2])) < 12);
}

BOOST_AUTO_TEST_CASE(bad_members_are_one_line_errors_and_leave_no_file) {
  const std::string where = "cifar10-jpeg/data_batch_3.tar.gz: ";
  {
    Batch b = good_batch(2);
    b.jpegs[2].resize(b.jpegs[2].size() / 2);  // cut in the middle of the compressed data
    require_refused(b, where + "member 00002.jpg: corrupt JPEG", "truncated JPEG");
  }
  {
    Batch b = good_batch(2);
    std::fill(b.jpegs[1].begin(), b.jpegs[1].begin() + 4, 0x55);  // no JPEG start marker
    require_refused(b, where + "member 00001.jpg: corrupt JPEG: Not a JPEG file", "garbage JPEG");
  }
  {
    Batch b = good_batch(2);
    b.labels = "1\n2\n3\n";
    require_refused(b, where + "member labels.txt: 3 lines, expected 4 (one label per image)", "missing label line");
  }
  {
    Batch b = good_batch(2);
    b.labels = "1\n2\nx\n4\n";
    require_refused(b, where + "member labels.txt: line 3: 'x', expected one digit 0-9", "bad label");
  }
  {
    Batch b = good_batch(2);
    b.jpegs[1] = encode_jpeg(picture(1, 32, 31), 32, 31, 3, 90);
    require_refused(b, where + "member 00001.jpg: 31x32 pixels, expected 32x32", "31x32 image");
  }
  {
    Batch b = good_batch(2);
    b.jpegs[0] = encode_jpeg(picture(0, 32, 32, 1), 32, 32, 1, 90);
    require_refused(b, where + "member 00000.jpg: expected 3 colour components (RGB), got 1", "grayscale image");
  }
  {
    Batch b = good_batch(2);
    b.jpegs.pop_back();
    require_refused(b, where + "member 00003.jpg: missing, the archive holds 3 images, expected 4", "too few members");
  }
}

BOOST_AUTO_TEST_CASE(a_truncated_gzip_is_refused_and_an_older_file_stays) {
  test::ScratchDir dir("cifar-jpeg-gzip");
  const std::string mirror = write_mirror(dir);
  const std::string out = dir.file("cifar10.h5");
  BOOST_REQUIRE(convert(mirror, out, dir).status == 0);
  const std::vector<std::uint8_t> before = test::read_all(out);
  // Cut batch 3's .tar.gz to two thirds of its bytes: zlib finds the stream's end missing.
  const std::string batch = mirror + "/data_batch_3.tar.gz";
  std::vector<std::uint8_t> bytes = test::read_all(batch);
  bytes.resize(bytes.size() * 2 / 3);
  test::write_bytes(batch, bytes);
  const Run run = convert(mirror, out, dir);
  BOOST_TEST_MESSAGE("truncated gzip: " << run.err);
  BOOST_TEST(run.status == 2);
  BOOST_TEST(std::count(run.err.begin(), run.err.end(), '\n') == 1);
  BOOST_TEST(run.err.find("cifar10-jpeg/data_batch_3.tar.gz: corrupt or truncated gzip data (zlib: unexpected end of file)") != std::string::npos, run.err);
  BOOST_TEST((test::read_all(out) == before));  // the file of the good conversion, byte for byte
  // read_tar_gz directly: a file that is not gzip at all.
  test::write_text(dir.file("plain.tar.gz"), "not gzip");
  test::check_error<FileError>([&] { read_tar_gz(dir.file("plain.tar.gz"), "plain.tar.gz"); }, {"plain.tar.gz: not gzip data"});
}

BOOST_AUTO_TEST_SUITE_END()
