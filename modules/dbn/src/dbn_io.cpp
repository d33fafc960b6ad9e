#include "lecon/dbn/dbn_io.hpp"

#include <cmath>

#include "lecon/core/error.hpp"
#include "lecon/core/hdf5_io.hpp"

namespace lecon {
namespace {

constexpr const char* kFormat = "lecon-dbn-1";

std::size_t whole_attribute(const H5Reader& file, const std::string& object, const std::string& key, double limit) {
  if (!file.has_attribute(object, key)) throw FileError(file.path(), object + ": no attribute " + key);
  const double value = file.attribute_number(object, key);
  if (!(value >= 0 && value < limit && value == std::floor(value)))
    throw FileError(file.path(), object + ": attribute " + key + " is not a whole number in [0, " + std::to_string(static_cast<long long>(limit)) + ")");
  return static_cast<std::size_t>(value);
}

template <typename T>
arma::Mat<T> read_parameter(const H5Reader& file, const std::string& name, std::size_t rows, std::size_t cols) {
  if (!file.exists(name)) throw FileError(file.path(), "no dataset " + name);
  const Tensor<T> stored = file.read<T>(name);
  if (stored.matrix().n_rows != rows || stored.matrix().n_cols != cols)
    throw FileError(file.path(), name + ": shape " + stored.shape().str() + " does not fit an RBM of the sizes the file states");
  if (!stored.matrix().is_finite()) throw FileError(file.path(), name + ": NaN or infinite values");
  return stored.matrix();
}

}  // namespace

template <typename T>
void save_dbn(const std::string& path, const Dbn<T>& dbn) {
  if (dbn.layers() == 0) throw Error("save_dbn: the DBN is empty");
  H5Writer file(path);
  file.set_attribute("/", "format", kFormat);
  file.set_attribute("/", "layers", static_cast<double>(dbn.layers()));
  for (std::size_t k = 0; k < dbn.layers(); ++k) {
    const Rbm<T>& rbm = dbn.rbm(k);
    const std::string group = "rbm" + std::to_string(k);
    file.write(group + "/W", Tensor<T>::from_columns(rbm.W_value()));  // (m x d) reads as (d, m)
    file.write(group + "/b", Tensor<T>::from_columns(rbm.visible_bias_value()));
    file.write(group + "/c", Tensor<T>::from_columns(rbm.hidden_bias_value()));
    file.set_attribute(group, "visible_units", static_cast<double>(rbm.visible_units()));
    file.set_attribute(group, "hidden_units", static_cast<double>(rbm.hidden_units()));
    file.set_attribute(group, "visible_kind", static_cast<double>(rbm.visible_kind()));
    file.set_attribute(group, "hidden_kind", static_cast<double>(rbm.hidden_kind()));
  }
  file.commit();
}

template <typename T>
Dbn<T> load_dbn(const std::string& path) {
  try {
    const H5Reader file(path, Integrity::required);
    if (!file.has_attribute("/", "format") || file.attribute_string("/", "format") != kFormat)
      throw FileError(path, std::string("not a lecon DBN (expected attribute format = ") + kFormat + ")");
    const std::size_t layers = whole_attribute(file, "/", "layers", 1000);
    if (layers == 0) throw FileError(path, "a DBN needs at least one layer, the file states 0");
    std::vector<Rbm<T>> rbms;
    for (std::size_t k = 0; k < layers; ++k) {
      const std::string group = "rbm" + std::to_string(k);
      if (!file.exists(group)) throw FileError(path, "no group " + group + " (the file states " + std::to_string(layers) + " layers)");
      const std::size_t d = whole_attribute(file, group, "visible_units", 1 << 24), m = whole_attribute(file, group, "hidden_units", 1 << 24);
      const std::size_t visible_kind = whole_attribute(file, group, "visible_kind", 2), hidden_kind = whole_attribute(file, group, "hidden_kind", 2);
      if (d == 0 || m == 0) throw FileError(path, group + ": an RBM needs at least one visible and one hidden unit");
      if (visible_kind == 1 && hidden_kind == 1) throw FileError(path, group + ": Gaussian visible and hidden units together are not a valid RBM");
      // The shapes are checked before the weights are read into an RBM of the stated sizes.
      const arma::Mat<T> W = read_parameter<T>(file, group + "/W", m, d);
      const arma::Mat<T> b = read_parameter<T>(file, group + "/b", d, 1);
      const arma::Mat<T> c = read_parameter<T>(file, group + "/c", m, 1);
      Rng unused(0);  // the weights are replaced right after
      Rbm<T> rbm(d, m, unused, static_cast<UnitKind>(visible_kind), static_cast<UnitKind>(hidden_kind));
      rbm.set_parameters(W, b, c);
      rbms.push_back(std::move(rbm));
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
