#include "lecon/rbm/rbm_io.hpp"

#include <cmath>

#include "lecon/core/error.hpp"
#include "lecon/core/hdf5_io.hpp"

namespace lecon {
namespace {

constexpr const char* kFormat = "lecon-rbm-1";

std::size_t whole_attribute(const H5Reader& file, const std::string& key, double limit) {
  const double value = file.attribute_number("/", key);
  if (!(value >= 0 && value < limit && value == std::floor(value)))
    throw FileError(file.path(), "attribute " + key + " is not a whole number in [0, " + std::to_string(static_cast<long long>(limit)) + ")");
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
void save_rbm(const std::string& path, const Rbm<T>& rbm) {
  H5Writer file(path);
  file.set_attribute("/", "format", kFormat);
  file.set_attribute("/", "visible_units", static_cast<double>(rbm.visible_units()));
  file.set_attribute("/", "hidden_units", static_cast<double>(rbm.hidden_units()));
  file.set_attribute("/", "visible_kind", static_cast<double>(rbm.visible_kind()));
  file.set_attribute("/", "hidden_kind", static_cast<double>(rbm.hidden_kind()));
  file.write("W", Tensor<T>::from_columns(rbm.W_value()));  // (m x d) reads as (d, m)
  file.write("b", Tensor<T>::from_columns(rbm.visible_bias_value()));
  file.write("c", Tensor<T>::from_columns(rbm.hidden_bias_value()));
  file.commit();
}

template <typename T>
Rbm<T> load_rbm(const std::string& path) {
  try {
    const H5Reader file(path, Integrity::required);
    if (!file.has_attribute("/", "format") || file.attribute_string("/", "format") != kFormat)
      throw FileError(path, std::string("not a lecon RBM (expected attribute format = ") + kFormat + ")");
    const std::size_t d = whole_attribute(file, "visible_units", 1 << 24), m = whole_attribute(file, "hidden_units", 1 << 24);
    const std::size_t visible_kind = whole_attribute(file, "visible_kind", 2), hidden_kind = whole_attribute(file, "hidden_kind", 2);
    if (d == 0 || m == 0) throw FileError(path, "an RBM needs at least one visible and one hidden unit");
    if (visible_kind == 1 && hidden_kind == 1) throw FileError(path, "Gaussian visible and hidden units together are not a valid RBM");
    // The shapes are checked before the weights are read into an RBM of the stated sizes.
    const arma::Mat<T> W = read_parameter<T>(file, "W", m, d);
    const arma::Mat<T> b = read_parameter<T>(file, "b", d, 1);
    const arma::Mat<T> c = read_parameter<T>(file, "c", m, 1);
    Rng unused(0);  // the weights are replaced right after
    Rbm<T> rbm(d, m, unused, static_cast<UnitKind>(visible_kind), static_cast<UnitKind>(hidden_kind));
    rbm.set_parameters(W, b, c);
    return rbm;
  } catch (const FileError&) {
    throw;
  } catch (const Error& e) {
    throw FileError(path, e.what());
  }
}

template void save_rbm<float>(const std::string&, const Rbm<float>&);
template void save_rbm<double>(const std::string&, const Rbm<double>&);
template Rbm<float> load_rbm<float>(const std::string&);
template Rbm<double> load_rbm<double>(const std::string&);

}  // namespace lecon
