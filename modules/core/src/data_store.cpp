#include "lecon/core/data_store.hpp"

#include <cmath>
#include <filesystem>

#include "lecon/core/hdf5_io.hpp"
#include "lecon/core/parallel.hpp"

namespace lecon {
namespace {

Dataset read_part(const H5Reader& file, const std::string& part, const std::string& name) {
  Dataset data;
  data.name = name + "/" + part;
  const std::string x_name = "/" + part + "/x";
  if (!file.exists(x_name)) throw FileError(file.path(), "dataset " + x_name + " not found");
  if (file.has_attribute(x_name, "pixels")) {  // uint8 0-255, scaled to [0, 1] here
    Shape shape;
    const std::vector<std::uint8_t> bytes = file.read_bytes(x_name, shape);
    data.x = Tensor<Real>(shape);
    Real* out = data.x.data();
    const std::size_t sample = shape.sample_size();
    parallel_for(shape.batch(), [&](std::size_t i) {
      for (std::size_t j = i * sample; j < (i + 1) * sample; ++j) out[j] = static_cast<Real>(bytes[j]) / Real(255);  // as the idx and CIFAR loaders do
    });
  } else {
    data.x = file.read<Real>(x_name);
  }
  data.y = file.read_labels("/" + part + "/y");
  data.class_names = file.attribute_strings("/", "class_names");
  if (file.has_attribute("/", "feature_names")) data.feature_names = file.attribute_strings("/", "feature_names");
  try {
    data.validate();
  } catch (const Error& e) {
    throw FileError(file.path(), e.what());
  }
  return data;
}

std::vector<std::uint8_t> to_pixels(const Tensor<Real>& x, const std::string& path) {
  std::vector<std::uint8_t> bytes(x.size());
  const Real* in = x.data();
  for (std::size_t j = 0; j < bytes.size(); ++j) {
    if (!(in[j] >= 0 && in[j] <= 1)) throw FileError(path, "pixel value outside [0, 1] cannot be stored as uint8");
    bytes[j] = static_cast<std::uint8_t>(std::lround(in[j] * 255.0));
  }
  return bytes;
}

}  // namespace

std::string data_file(const std::string& data_dir, const std::string& name) { return data_dir + "/" + name + ".h5"; }

DataSplit load_data(const std::string& data_dir, const std::string& name) {
  const std::string path = data_file(data_dir, name);
  if (!std::filesystem::exists(path))
    throw FileError(path, "not found; run `make data` to fetch and convert the data sets (or pass --data-dir)");
  const H5Reader file(path);
  DataSplit split;
  split.train = read_part(file, "train", name);
  split.test = read_part(file, "test", name);
  if (split.train.x.shape().with_batch(0) != split.test.x.shape().with_batch(0))
    throw FileError(path, "train samples " + split.train.x.shape().str() + " and test samples " +
                              split.test.x.shape().str() + " differ in shape");
  split.source = file.has_attribute("/", "source") ? file.attribute_string("/", "source") : "";
  return split;
}

void save_data(const std::string& path, const DataSplit& split, bool pixels) {
  H5Writer file(path);
  for (const Dataset* part : {&split.train, &split.test}) {
    part->validate();
    const std::string group = part == &split.train ? "/train" : "/test";
    if (pixels) {
      file.write_bytes(group + "/x", part->x.shape(), to_pixels(part->x, path));
      file.set_attribute(group + "/x", "pixels", "uint8 0-255; divide by 255 for [0, 1]");
    } else {
      file.write(group + "/x", part->x);
    }
    file.write_labels(group + "/y", part->y);
    file.set_attribute(group, "samples", static_cast<double>(part->size()));
    file.set_attribute(group, "shape", part->x.shape().str());
  }
  file.set_attribute("/", "source", split.source);
  file.set_attribute("/", "class_names", split.train.class_names);
  if (!split.train.feature_names.empty()) file.set_attribute("/", "feature_names", split.train.feature_names);
  file.commit();
}

}  // namespace lecon
