// CIFAR-10 / CIFAR-100 "binary version" (https://www.cs.toronto.edu/~kriz/cifar.html).
#include <filesystem>
#include <fstream>

#include "lecon/core/loaders.hpp"
#include "input_file.hpp"

namespace lecon {
namespace {

constexpr std::size_t kPixels = 3 * 32 * 32;

std::size_t label_bytes(CifarKind kind) { return kind == CifarKind::cifar10 ? 1 : 2; }
std::size_t class_count(CifarKind kind) {
  switch (kind) {
    case CifarKind::cifar10: return 10;
    case CifarKind::cifar100_coarse: return 20;
    case CifarKind::cifar100_fine: return 100;
  }
  return 0;
}

// One name per non-empty line; falls back to numbers when the file is absent.
std::vector<std::string> read_names(const std::string& path, std::size_t count) {
  std::vector<std::string> names;
  std::error_code absent;
  if (std::filesystem::exists(path, absent)) detail::require_regular_file(path);  // absent is fine, a directory is not
  std::ifstream in(path);
  for (std::string line; in && std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) names.push_back(line);
  }
  if (!in.is_open()) {
    names.clear();
    for (std::size_t k = 0; k < count; ++k) names.push_back("class " + std::to_string(k));
  } else if (names.size() != count) {
    throw FileError(path, "expected " + std::to_string(count) + " class names, found " + std::to_string(names.size()));
  }
  return names;
}

Dataset concatenate(std::vector<Dataset> parts, const std::string& name) {
  std::size_t n = 0;
  for (const Dataset& part : parts) n += part.size();
  Dataset all;
  all.name = name;
  all.class_names = parts.front().class_names;
  all.x = Tensor<Real>(parts.front().x.shape().with_batch(n));
  all.y.set_size(n);
  std::size_t at = 0;
  for (const Dataset& part : parts) {
    if (part.size() == 0) continue;
    all.x.matrix().cols(at, at + part.size() - 1) = part.x.matrix();
    all.y.subvec(at, at + part.size() - 1) = part.y;
    at += part.size();
  }
  return all;
}

// The official directory: it must exist and be a directory (a file there is a different mistake).
void require_directory(const std::string& dir, const std::string& expected) {
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(dir, error);
  if (status.type() == std::filesystem::file_type::not_found) throw FileError(dir, "directory not found, expected " + expected);
  if (error) throw FileError(dir, "cannot access: " + error.message());
  if (status.type() != std::filesystem::file_type::directory) throw FileError(dir, "is not a directory, expected " + expected);
}

}  // namespace

const std::vector<std::string>& cifar10_class_names() {
  static const std::vector<std::string> names = {"airplane", "automobile", "bird", "cat", "deer",
                                                 "dog", "frog", "horse", "ship", "truck"};
  return names;
}

Dataset read_cifar_file(const std::string& path, CifarKind kind, const std::string& name) {
  detail::require_regular_file(path);
  const std::size_t record = label_bytes(kind) + kPixels;
  // The record count comes from the file size, never from the content: the allocation below is at
  // most the bytes the file really holds (times 4 for the float tensor).
  const std::size_t bytes = std::filesystem::file_size(path);
  if (bytes == 0) throw FileError(path, "empty file, expected CIFAR records of " + std::to_string(record) + " bytes");
  if (bytes % record != 0)
    throw FileError(path, "truncated or wrong format: " + std::to_string(bytes) + " bytes is not a whole number of " +
                              std::to_string(record) + "-byte CIFAR records");
  const std::size_t n = bytes / record;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(path, "cannot open for reading");
  std::vector<std::uint8_t> raw(bytes);
  if (!in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(bytes)))
    throw FileError(path, "read failed after " + std::to_string(in.gcount()) + " bytes");

  const std::size_t classes = class_count(kind);
  const std::size_t label_offset = kind == CifarKind::cifar100_fine ? 1 : 0;  // CIFAR-100: <coarse><fine>
  Dataset data;
  data.name = name;
  data.class_names.resize(classes);
  data.x = Tensor<Real>(Shape{n, 3, 32, 32});
  data.y.set_size(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t* rec = raw.data() + i * record;
    const std::size_t label = rec[label_offset];
    if (label >= classes)
      throw FileError(path, "label " + std::to_string(label) + " of record " + std::to_string(i) + " outside [0, " +
                                std::to_string(classes) + ")");
    data.y[i] = label;
    // The 3072 pixel bytes are channel-major, rows of 32: already our (3, 32, 32) sample layout.
    Real* out = data.x.data() + i * kPixels;
    const std::uint8_t* pixels = rec + label_bytes(kind);
    for (std::size_t j = 0; j < kPixels; ++j) out[j] = static_cast<Real>(pixels[j]) / Real(255);
  }
  return data;
}

DataSplit load_cifar10_dir(const std::string& dir) {
  require_directory(dir, "the CIFAR-10 binary directory cifar-10-batches-bin (data_batch_1.bin ... test_batch.bin)");
  std::vector<Dataset> parts;
  for (int b = 1; b <= 5; ++b)
    parts.push_back(read_cifar_file(dir + "/data_batch_" + std::to_string(b) + ".bin", CifarKind::cifar10, "cifar10/train"));
  DataSplit split;
  split.train = concatenate(std::move(parts), "cifar10/train");
  split.test = read_cifar_file(dir + "/test_batch.bin", CifarKind::cifar10, "cifar10/test");
  const std::string meta = dir + "/batches.meta.txt";
  const std::vector<std::string> names = std::filesystem::exists(meta) ? read_names(meta, 10) : cifar10_class_names();
  split.train.class_names = split.test.class_names = names;
  split.source = "CIFAR-10 binary version in " + dir;
  return split;
}

DataSplit load_cifar100_dir(const std::string& dir, bool coarse) {
  require_directory(dir, "the CIFAR-100 binary directory cifar-100-binary (train.bin, test.bin)");
  const CifarKind kind = coarse ? CifarKind::cifar100_coarse : CifarKind::cifar100_fine;
  DataSplit split;
  split.train = read_cifar_file(dir + "/train.bin", kind, "cifar100/train");
  split.test = read_cifar_file(dir + "/test.bin", kind, "cifar100/test");
  const std::vector<std::string> names =
      read_names(dir + (coarse ? "/coarse_label_names.txt" : "/fine_label_names.txt"), class_count(kind));
  split.train.class_names = split.test.class_names = names;
  split.source = std::string("CIFAR-100 binary version (") + (coarse ? "coarse" : "fine") + " labels) in " + dir;
  return split;
}

}  // namespace lecon
