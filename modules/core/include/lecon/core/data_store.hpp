#pragma once
// The converted data sets: one HDF5 file per data set under the data directory,
//   /train/x (n, c, h, w) uint8 pixels or float features   /train/y (n) uint32 labels
//   /test/x, /test/y                                        attributes: source, class_names, ...
//   /valid/x, /valid/y   only in data sets published with a validation part (the MNIST variants)
// written once by `make data` (program lecon_convert_data) and read by every lab.
#include <string>

#include "lecon/core/dataset.hpp"

namespace lecon {

// "<data_dir>/<name>.h5"
std::string data_file(const std::string& data_dir, const std::string& name);

// Reads data/<name>.h5; a missing file gives an error that says to run `make data`. The /valid part is read
// when the file has one (split.valid is empty otherwise). `name` may hold a folder: "mnist-variants/rot".
DataSplit load_data(const std::string& data_dir, const std::string& name);

// Writes a split atomically, with its /valid part when split.has_valid(). With pixels = true, x (values in
// [0, 1]) is stored as uint8 0-255, each value rounded to the nearest multiple of 1/255.
void save_data(const std::string& path, const DataSplit& split, bool pixels);

}  // namespace lecon
