#include "lecon/cifar_jpeg/cifar_jpeg_mirror.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "lecon/cifar_jpeg/jpeg_image.hpp"
#include "lecon/cifar_jpeg/ustar.hpp"
#include "lecon/core/error.hpp"
#include "lecon/core/loaders.hpp"
#include "lecon/core/parallel.hpp"

namespace lecon {
namespace {

constexpr std::size_t kSide = 32, kPixels = 3 * kSide * kSide;

std::string image_name(std::size_t i) {
  char name[32];
  std::snprintf(name, sizeof name, "%05zu.jpg", i);
  return name;
}

// labels.txt: exactly `images` lines, each one digit 0-9 and '\n'.
arma::uvec read_labels(const TarMember& member, std::size_t images, const std::string& display_name) {
  const auto fail = [&](const std::string& what) { throw FileError(display_name, "member labels.txt: " + what); };
  const std::vector<std::uint8_t>& text = member.bytes;
  std::size_t lines = 0;
  for (std::uint8_t b : text) lines += b == '\n';
  if (!text.empty() && text.back() != '\n') ++lines;  // a last line without its newline still counts
  if (lines != images)
    fail(std::to_string(lines) + " line" + (lines == 1 ? "" : "s") + ", expected " + std::to_string(images) + " (one label per image)");
  arma::uvec labels(images);
  for (std::size_t i = 0; i < images; ++i) {
    const std::size_t at = 2 * i;
    if (at + 1 >= text.size() || text[at] < '0' || text[at] > '9' || text[at + 1] != '\n') {
      std::string line;
      std::size_t start = 0, line_number = 0;
      for (std::size_t k = 0; k < text.size() && line_number < i; ++k)
        if (text[k] == '\n') ++line_number, start = k + 1;
      for (std::size_t k = start; k < text.size() && text[k] != '\n' && line.size() < 20; ++k) line += static_cast<char>(text[k]);
      fail("line " + std::to_string(i + 1) + ": '" + line + "', expected one digit 0-9");
    }
    labels[i] = text[at] - '0';
  }
  return labels;
}

}  // namespace

Dataset read_cifar10_jpeg_batch(const std::string& path, const std::string& display_name, std::size_t images, const std::string& name) {
  if (images == 0) throw Error("read_cifar10_jpeg_batch: expected at least 1 image per batch");
  const std::vector<TarMember> members = read_tar_gz(path, display_name);
  if (members.empty() || members.front().name != "labels.txt")
    throw FileError(display_name, "member labels.txt: missing, expected it as the first member (found " +
                                      (members.empty() ? std::string("an empty archive") : members.front().name) + ")");
  Dataset data;
  data.name = name;
  data.y = read_labels(members.front(), images, display_name);
  if (members.size() - 1 < images)
    throw FileError(display_name, "member " + image_name(members.size() - 1) + ": missing, the archive holds " + std::to_string(members.size() - 1) +
                                      " images, expected " + std::to_string(images));
  if (members.size() - 1 > images)
    throw FileError(display_name, "member " + members[images + 1].name + ": unexpected, expected " + std::to_string(images) + " images (" +
                                      image_name(0) + " ... " + image_name(images - 1) + ")");
  for (std::size_t i = 0; i < images; ++i)
    if (members[i + 1].name != image_name(i))
      throw FileError(display_name, "member " + members[i + 1].name + ": expected " + image_name(i) + " in its place (images in order)");
  data.x = Tensor<Real>(Shape{images, 3, kSide, kSide});
  // Decoding is independent per image. Each failure is kept by index and the first one is reported, so the
  // message does not depend on the thread count.
  std::vector<std::string> failures(images);
  parallel_for(images, [&](std::size_t i) {
    RgbImage image;
    try {
      image = decode_jpeg(members[i + 1].bytes);
    } catch (const std::exception& e) {
      failures[i] = e.what();
      return;
    }
    if (image.height != kSide || image.width != kSide) {
      failures[i] = std::to_string(image.width) + "x" + std::to_string(image.height) + " pixels, expected 32x32";
      return;
    }
    // libjpeg gives rows of R G B triples; a sample is (channel, row, column), as in the binary files.
    Real* out = data.x.data() + i * kPixels;
    for (std::size_t p = 0; p < kSide * kSide; ++p)
      for (std::size_t c = 0; c < 3; ++c) out[c * kSide * kSide + p] = static_cast<Real>(image.pixels[3 * p + c]) / Real(255);
  }, 4096);
  for (std::size_t i = 0; i < images; ++i)
    if (!failures[i].empty()) throw FileError(display_name, "member " + image_name(i) + ": " + failures[i]);
  return data;
}

DataSplit load_cifar10_jpeg_dir(const std::string& dir, std::size_t images_per_batch) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error))
    throw FileError(dir, "directory not found, expected the CIFAR-10 JPEG mirror (data_batch_1.tar.gz ... test_batch.tar.gz)");
  const std::string folder = std::filesystem::path(dir).filename().string();
  auto batch = [&](const std::string& file, const std::string& name) {
    return read_cifar10_jpeg_batch(dir + "/" + file, folder + "/" + file, images_per_batch, name);
  };
  Dataset train = batch("data_batch_1.tar.gz", "cifar10/train");
  std::vector<Dataset> more;
  for (int b = 2; b <= 5; ++b) more.push_back(batch("data_batch_" + std::to_string(b) + ".tar.gz", "cifar10/train"));
  DataSplit split;
  split.train.name = "cifar10/train";
  split.train.x = Tensor<Real>(train.x.shape().with_batch(5 * images_per_batch));
  split.train.y.set_size(5 * images_per_batch);
  split.train.x.matrix().cols(0, images_per_batch - 1) = train.x.matrix();
  split.train.y.subvec(0, images_per_batch - 1) = train.y;
  for (std::size_t b = 0; b < more.size(); ++b) {
    const std::size_t at = (b + 1) * images_per_batch;
    split.train.x.matrix().cols(at, at + images_per_batch - 1) = more[b].x.matrix();
    split.train.y.subvec(at, at + images_per_batch - 1) = more[b].y;
  }
  split.test = batch("test_batch.tar.gz", "cifar10/test");
  // Class names: batches.meta.txt when the mirror has it (ten non-empty lines), else the official names.
  std::vector<std::string> names = cifar10_class_names();
  const std::string meta = dir + "/batches.meta.txt";
  if (std::filesystem::exists(meta, error)) {
    std::ifstream in(meta);
    std::vector<std::string> read;
    for (std::string line; std::getline(in, line);) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (!line.empty()) read.push_back(line);
    }
    if (read.size() != 10) throw FileError(folder + "/batches.meta.txt", std::to_string(read.size()) + " class names, expected 10");
    names = read;
  }
  split.train.class_names = split.test.class_names = names;
  split.source = kCifar10JpegSource;
  return split;
}

}  // namespace lecon
