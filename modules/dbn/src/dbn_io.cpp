#include "lecon/dbn/dbn_io.hpp"

#include <cmath>

#include "lecon/core/error.hpp"
#include "lecon/core/hdf5_io.hpp"
#include "lecon/rbm/rbm_io.hpp"

namespace lecon {
namespace {

constexpr const char* kFormat = "lecon-dbn-1";

std::size_t layer_count(const H5Reader& file) {
  if (!file.has_attribute("/", "layers")) throw FileError(file.path(), "/: no attribute layers");
  const double value = file.attribute_number("/", "layers");
  if (!(value >= 0 && value < 1000 && value == std::floor(value)))
    throw FileError(file.path(), "/: attribute layers is not a whole number in [0, 1000)");
  return static_cast<std::size_t>(value);
}

}  // namespace

template <typename T>
void save_dbn(const std::string& path, const Dbn<T>& dbn) {
  if (dbn.layers() == 0) throw Error("save_dbn: the DBN is empty");
  H5Writer file(path);
  file.set_attribute("/", "format", kFormat);
  file.set_attribute("/", "layers", static_cast<double>(dbn.layers()));
  for (std::size_t k = 0; k < dbn.layers(); ++k) write_rbm(file, "rbm" + std::to_string(k), dbn.rbm(k));  // rbm_io.hpp
  file.commit();
}

template <typename T>
Dbn<T> load_dbn(const std::string& path) {
  try {
    const H5Reader file(path, Integrity::required);
    if (!file.has_attribute("/", "format") || file.attribute_string("/", "format") != kFormat)
      throw FileError(path, std::string("not a lecon DBN (expected attribute format = ") + kFormat + ")");
    const std::size_t layers = layer_count(file);
    if (layers == 0) throw FileError(path, "a DBN needs at least one layer, the file states 0");
    std::vector<Rbm<T>> rbms;
    for (std::size_t k = 0; k < layers; ++k) {
      const std::string group = "rbm" + std::to_string(k);
      if (!file.exists(group)) throw FileError(path, "no group " + group + " (the file states " + std::to_string(layers) + " layers)");
      rbms.push_back(read_rbm<T>(file, group));
    }
    return Dbn<T>(std::move(rbms));  // checks that the layers chain
  } catch (const FileError&) {
    throw;
  } catch (const Error& e) {
    throw FileError(path, e.what());
  }
}

template void save_dbn<float>(const std::string&, const Dbn<float>&);
template void save_dbn<double>(const std::string&, const Dbn<double>&);
template Dbn<float> load_dbn<float>(const std::string&);
template Dbn<double> load_dbn<double>(const std::string&);

}  // namespace lecon
