#pragma once
// CIFAR-10 from a directory of JPEG re-encodings in the official order (make data, when the official
// binary files are absent and LECON_DATA_MIRROR names a mirror; docs/core.md):
//   <dir>/data_batch_1.tar.gz ... data_batch_5.tar.gz, test_batch.tar.gz   gzipped ustar archives, each
//       labels.txt   one line per image: one digit 0-9 and '\n' (line i: the official label of image i)
//       00000.jpg, 00001.jpg, ...   image i, a 32x32 RGB JPEG, in this order right after labels.txt
//   <dir>/batches.meta.txt   the ten class names, line k = class k (optional: the official names otherwise)
// Every image is decoded (decode_jpeg) into the (3, 32, 32) layout of the official binary files. Anything
// else is a FileError "<batch>.tar.gz: member <name>: <what was expected>".
#include <string>

#include "lecon/core/dataset.hpp"

namespace lecon {

// What the h5 file's `source` attribute says: results on this data are not comparable digit for digit
// with results on the official pixels, and every table must say so.
inline const char* kCifar10JpegSource = "CIFAR-10, JPEG q75 re-encoding";

// One batch: `images` images (10,000 in the official batches). `display_name` names it in errors.
Dataset read_cifar10_jpeg_batch(const std::string& path, const std::string& display_name, std::size_t images, const std::string& name);

// All six batches of `images_per_batch` images (tests use small archives), source kCifar10JpegSource.
DataSplit load_cifar10_jpeg_dir(const std::string& dir, std::size_t images_per_batch = 10000);

}  // namespace lecon
