#pragma once
// The converted data sets: one HDF5 file per data set under the data directory,
//   /train/x (n, c, h, w) uint8 pixels or float features   /train/y (n) uint32 labels
//   /test/x, /test/y                                        attributes: source, class_names, ...
// written once by `make data` (program lecon_convert_data) and read by every lab.
#include <string>

#include "lecon/core/dataset.hpp"

namespace lecon {

// "<data_dir>/<name>.h5"
std::string data_file(const std::string& data_dir, const std::string& name);

// Reads data/<name>.h5; a missing file gives an error that says to run `make data`.
DataSplit load_data(const std::string& data_dir, const std::string& name);

// Writes a split atomically. With pixels = true, x (values in [0, 1], multiples of 1/255) is stored as uint8 0-255.
void save_data(const std::string& path, const DataSplit& split, bool pixels);

}  // namespace lecon
