#include "lecon/core/data_store.hpp"

#include <cmath>
#include <filesystem>
#include <limits>

#include "lecon/core/hdf5_io.hpp"
#include "lecon/core/parallel.hpp"

namespace lecon {
namespace {

Dataset read_part(const H5Reader& file, const std::string& part, const std::string& name) {
  const std::string& path = file.path();
  const std::string x_name = "/" + part + "/x", y_name = "/" + part + "/y";
  Dataset data;
  data.name = name + "/" + part;
  if (!file.exists(x_name)) throw FileError(path, "dataset " + x_name + " not found");

  // Sizes first, before anything is allocated: an empty part fails here and not in a later max() or gather().
  const Shape shape = file.shape(x_name);
  if (shape.batch() == 0) throw FileError(path, "/" + part + " holds 0 samples, expected at least 1");
  if (shape.sample_size() == 0)
    throw FileError(path, x_name + " holds samples of shape " + shape.sample_str() + ", expected at least 1 value per sample");

  // The stored type, not an attribute that may be missing or stray, decides how x is read:
  // 8-bit unsigned integers are pixels 0-255, floats are features.
  const H5Reader::StoredType type = file.stored_type(x_name);
  const bool marked_pixels = file.has_attribute(x_name, "pixels");
  if (type.pixels()) {  // uint8 0-255, scaled to [0, 1] here as the idx and CIFAR loaders do
    if (!marked_pixels)
      throw FileError(path, x_name + " holds 8-bit unsigned integers without the 'pixels' attribute; expected pixels 0-255 "
                                     "marked by it (as lecon_convert_data writes them) or float features");
    Shape stored;
    const std::vector<std::uint8_t> bytes = file.read_bytes(x_name, stored);
    data.x = Tensor<Real>(stored);
    Real* out = data.x.data();
    const std::size_t sample = stored.sample_size();
    parallel_for(stored.batch(), [&](std::size_t i) {
      for (std::size_t j = i * sample; j < (i + 1) * sample; ++j) out[j] = static_cast<Real>(bytes[j]) / Real(255);
    });
  } else if (type.floats()) {  // features, read as they are: every value must be a finite float
    if (marked_pixels)
      throw FileError(path, x_name + " has the 'pixels' attribute but holds " + type.str() + ", expected 8-bit unsigned integers");
    if (type.bytes == 8) {  // doubles: a value beyond float range would silently become inf or FLT_MAX
      const Tensor<double> wide = file.read<double>(x_name);
      const double largest = std::numeric_limits<Real>::max();
      for (std::size_t i = 0; i < wide.batch(); ++i) {
        const arma::subview_col<double> sample = wide.matrix().col(i);
        if (!sample.is_finite()) throw FileError(path, x_name + " sample " + std::to_string(i) + " holds NaN or infinite values");
        if (arma::abs(sample).max() > largest)
          throw FileError(path, x_name + " sample " + std::to_string(i) +
                                    " holds a value beyond float range, expected magnitudes of at most 3.40282e+38");
      }
      data.x = wide.cast<Real>();
    } else {
      data.x = file.read<Real>(x_name);
    }
    if (!data.x.matrix().is_finite())
      for (std::size_t i = 0; i < data.x.batch(); ++i)
        if (!data.x.matrix().col(i).is_finite())
          throw FileError(path, x_name + " sample " + std::to_string(i) + " holds NaN or infinite values");
  } else {
    throw FileError(path, x_name + " holds " + type.str() +
                              ", expected 8-bit unsigned pixels (with the 'pixels' attribute) or 32/64-bit float features");
  }

  data.y = file.read_labels(y_name);
  if (data.y.n_elem != data.x.batch())
    throw FileError(path, y_name + " holds " + std::to_string(data.y.n_elem) + " labels for the " +
                              std::to_string(data.x.batch()) + " samples in " + x_name);
  data.class_names = file.attribute_strings("/", "class_names");
  if (data.class_names.empty()) throw FileError(path, "/@class_names is empty, expected at least 1 class name");
  for (arma::uword i = 0; i < data.y.n_elem; ++i)
    if (data.y[i] >= data.class_names.size())
      throw FileError(path, y_name + ": label " + std::to_string(data.y[i]) + " of sample " + std::to_string(i) +
                                " is outside [0, " + std::to_string(data.class_names.size()) + "), the " +
                                std::to_string(data.class_names.size()) + " names in /@class_names");
  if (file.has_attribute("/", "feature_names")) {
    data.feature_names = file.attribute_strings("/", "feature_names");
    if (data.feature_names.size() != data.x.sample_size())
      throw FileError(path, "/@feature_names holds " + std::to_string(data.feature_names.size()) + " names for the " +
                                std::to_string(data.x.sample_size()) + " features of " + x_name);
  }
  return data;
}

std::vector<std::uint8_t> to_pixels(const Dataset& part, const std::string& path) {
  const Tensor<Real>& x = part.x;
  std::vector<std::uint8_t> bytes(x.size());
  const Real* in = x.data();
  for (std::size_t j = 0; j < bytes.size(); ++j) {
    if (!(in[j] >= 0 && in[j] <= 1))
      throw FileError(path, "cannot store " + part.name + " as pixels: value " + std::to_string(in[j]) + " of sample " +
                                std::to_string(j / x.sample_size()) + " is outside [0, 1]");
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
  if (file.exists("/valid")) split.valid = read_part(file, "valid", name);
  for (const Dataset* part : {&split.test, &split.valid})
    if (part->size() > 0 && split.train.x.shape().with_batch(0) != part->x.shape().with_batch(0))
      throw FileError(path, "train samples " + split.train.x.shape().str() + " and " + (part == &split.test ? "test" : "valid") +
                                " samples " + part->x.shape().str() + " differ in shape");
  split.source = file.has_attribute("/", "source") ? file.attribute_string("/", "source") : "";
  return split;
}

void save_data(const std::string& path, const DataSplit& split, bool pixels) {
  // Refuse what load_data would refuse, before the file is touched: one line naming the data and the fault.
  std::vector<const Dataset*> parts = {&split.train, &split.test};
  if (split.has_valid()) parts.push_back(&split.valid);
  for (const Dataset* part : parts) {
    try {
      part->validate();
    } catch (const Error& e) {
      throw FileError(path, std::string("cannot save ") + e.what());
    }
  }
  for (const Dataset* part : parts) {
    if (part == &split.train) continue;
    const std::string which = part == &split.test ? "test" : "valid";
    if (split.train.x.shape().with_batch(0) != part->x.shape().with_batch(0))
      throw FileError(path, "cannot save: train samples " + split.train.x.shape().str() + " and " + which + " samples " +
                                part->x.shape().str() + " differ in shape");
    if (split.train.class_names != part->class_names)
      throw FileError(path, "cannot save: train and " + which + " have different class names (one list is stored for both)");
  }
  H5Writer file(path);
  for (const Dataset* part : parts) {
    const std::string group = part == &split.train ? "/train" : part == &split.test ? "/test" : "/valid";
    if (pixels) {
      file.write_bytes(group + "/x", part->x.shape(), to_pixels(*part, path));
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
