// LeCun's idx format (http://yann.lecun.com/exdb/mnist/, "FILE FORMATS FOR THE MNIST DATABASE").
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <memory>

#include "lecon/core/loaders.hpp"
#include "lecon/core/parallel.hpp"
#include "input_file.hpp"

namespace lecon {
namespace {

// gzip data carry no size: the body grows by at most this much per read, so a header that lies about
// the size ends in the "truncated" error after reading what is there, never in one giant allocation.
constexpr std::size_t kGzipChunkBytes = std::size_t(64) << 20;  // 64 MiB

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};

// Reads up to `size` bytes; returns how many there were.
std::size_t read_up_to(gzFile file, const std::string& path, std::uint8_t* out, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(size - done, 1u << 30));
    const int got = gzread(file, out + done, chunk);
    if (got < 0) {
      int code = 0;
      throw FileError(path, std::string("corrupt compressed data: ") + gzerror(file, &code));
    }
    if (got == 0) break;
    done += static_cast<std::size_t>(got);
  }
  return done;
}

// "60000 x 28 x 28"
std::string dims_text(const std::vector<std::size_t>& dims) {
  std::string text;
  for (std::size_t d : dims) text += (text.empty() ? "" : " x ") + std::to_string(d);
  return text;
}

}  // namespace

IdxArray read_idx(const std::string& path) {
  detail::require_regular_file(path);
  std::unique_ptr<gzFile_s, GzCloser> file(gzopen(path.c_str(), "rb"));  // also reads plain files
  if (!file) throw FileError(path, "cannot open for reading");
  gzbuffer(file.get(), 1 << 20);

  std::uint8_t magic[4];
  if (read_up_to(file.get(), path, magic, 4) != 4) throw FileError(path, "truncated: no 4-byte idx header");
  if (magic[0] != 0 || magic[1] != 0)
    throw FileError(path, "wrong magic: not an idx file (expected bytes 00 00 08 <rank>)");
  if (magic[2] != 0x08) throw FileError(path, "unsupported idx element type " + std::to_string(magic[2]) + ", expected 8 (unsigned byte)");
  const int rank = magic[3];
  if (rank < 1 || rank > 4) throw FileError(path, "idx rank " + std::to_string(rank) + ", expected 1 to 4");

  IdxArray array;
  for (int axis = 0; axis < rank; ++axis) {
    std::uint8_t b[4];
    if (read_up_to(file.get(), path, b, 4) != 4) throw FileError(path, "truncated in the dimension header");
    array.dims.push_back((std::size_t(b[0]) << 24) | (std::size_t(b[1]) << 16) | (std::size_t(b[2]) << 8) | b[3]);
  }
  // The promised size, multiplied without overflow: four 32-bit dimensions can exceed 64 bits.
  const bool empty = std::find(array.dims.begin(), array.dims.end(), std::size_t(0)) != array.dims.end();
  std::size_t total = empty ? 0 : 1;
  for (std::size_t d : array.dims) {
    if (empty) break;
    if (total > std::numeric_limits<std::size_t>::max() / d)
      throw FileError(path, "header dimensions " + dims_text(array.dims) + " promise more bytes than a 64-bit size can count");
    total *= d;
  }
  const std::string promised = "header promises " + std::to_string(total) + " data bytes (" + dims_text(array.dims) + ")";

  if (gzdirect(file.get())) {
    // A plain file: its size is known, so the header is checked against it before anything is allocated.
    const std::size_t header_bytes = 4 + 4 * static_cast<std::size_t>(rank);
    const std::size_t held = static_cast<std::size_t>(std::filesystem::file_size(path)) - header_bytes;
    if (held < total) throw FileError(path, "truncated: " + promised + ", file holds " + std::to_string(held));
    if (held > total) throw FileError(path, "unexpected bytes after the data: " + promised + ", file holds " + std::to_string(held));
    array.data.resize(total);
    const std::size_t got = read_up_to(file.get(), path, array.data.data(), total);
    if (got != total) throw FileError(path, "truncated while reading: " + promised + ", read " + std::to_string(got));
    return array;
  }
  // gzip: the decompressed size is unknown until read; grow in bounded chunks (vector growth keeps the
  // allocation within about twice what has actually been read, plus one chunk).
  while (array.data.size() < total) {
    const std::size_t before = array.data.size();
    const std::size_t chunk = std::min(total - before, kGzipChunkBytes);
    array.data.resize(before + chunk);
    const std::size_t got = read_up_to(file.get(), path, array.data.data() + before, chunk);
    array.data.resize(before + got);
    if (got < chunk) break;
  }
  if (array.data.size() != total)
    throw FileError(path, "truncated: " + promised + ", the decompressed file holds " + std::to_string(array.data.size()));
  std::uint8_t extra;
  if (read_up_to(file.get(), path, &extra, 1) != 0) throw FileError(path, "unexpected bytes after the data: " + promised);
  return array;
}

Dataset load_idx_dataset(const std::string& images_path, const std::string& labels_path,
                         const std::vector<std::string>& class_names, const std::string& name) {
  const IdxArray images = read_idx(images_path);
  if (images.dims.size() != 3) throw FileError(images_path, "expected images of rank 3 (n, rows, cols), got rank " + std::to_string(images.dims.size()));
  const IdxArray labels = read_idx(labels_path);
  if (labels.dims.size() != 1) throw FileError(labels_path, "expected labels of rank 1 (n), got rank " + std::to_string(labels.dims.size()));
  const std::size_t n = images.dims[0], rows = images.dims[1], cols = images.dims[2];
  if (n == 0) throw FileError(images_path, "header promises 0 images, expected at least 1");
  if (rows == 0 || cols == 0)
    throw FileError(images_path, "images of " + std::to_string(rows) + "x" + std::to_string(cols) + " pixels, expected at least 1x1");
  if (labels.dims[0] != n)
    throw FileError(labels_path, std::to_string(labels.dims[0]) + " labels for " + std::to_string(n) + " images in " + images_path);

  Dataset data;
  data.name = name;
  data.class_names = class_names;
  data.y.set_size(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (labels.data[i] >= class_names.size())
      throw FileError(labels_path, "label " + std::to_string(labels.data[i]) + " of item " + std::to_string(i) +
                                       " outside [0, " + std::to_string(class_names.size()) + ")");
    data.y[i] = labels.data[i];
  }
  // idx pixels are C-order (n, rows, cols): exactly our (n, 1, h, w) memory, so a straight scaled copy.
  data.x = Tensor<Real>(Shape{n, 1, rows, cols});
  Real* out = data.x.data();
  const std::uint8_t* in = images.data.data();
  parallel_for(n, [&](std::size_t i) {
    const std::size_t first = i * rows * cols;
    for (std::size_t j = first; j < first + rows * cols; ++j) out[j] = static_cast<Real>(in[j]) / Real(255);
  });
  return data;
}

}  // namespace lecon
