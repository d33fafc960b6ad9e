#include "lecon/rbm/rbm_io.hpp"

#include <cmath>

#include "lecon/core/error.hpp"
#include "lecon/core/hdf5_io.hpp"

namespace lecon {
namespace {

constexpr const char* kFormat = "lecon-rbm-1";

// `name` inside `group` ("" for the root), and the prefix that names the group in an error message.
std::string in_group(const std::string& group, const std::string& name) { return group.empty() ? name : group + "/" + name; }
std::string prefix(const std::string& group) { return group.empty() ? "" : group + ": "; }

std::size_t whole_attribute(const H5Reader& file, const std::string& group, const std::string& key, double limit) {
  const std::string object = group.empty() ? "/" : group;
  if (!file.has_attribute(object, key)) throw FileError(file.path(), prefix(group) + "no attribute " + key);
  const double value = file.attribute_number(object, key);
  if (!(value >= 0 && value < limit && value == std::floor(value)))
    throw FileError(file.path(), prefix(group) + "attribute " + key + " is not a whole number in [0, " +
                                     std::to_string(static_cast<long long>(limit)) + ")");
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
void write_rbm(H5Writer& file, const std::string& group, const Rbm<T>& rbm) {
  file.write(in_group(group, "W"), Tensor<T>::from_columns(rbm.W_value()));  // (m x d) reads as (d, m)
  file.write(in_group(group, "b"), Tensor<T>::from_columns(rbm.visible_bias_value()));
  file.write(in_group(group, "c"), Tensor<T>::from_columns(rbm.hidden_bias_value()));
  const std::string object = group.empty() ? "/" : group;
  file.set_attribute(object, "visible_units", static_cast<double>(rbm.visible_units()));
  file.set_attribute(object, "hidden_units", static_cast<double>(rbm.hidden_units()));
  file.set_attribute(object, "visible_kind", static_cast<double>(rbm.visible_kind()));
  file.set_attribute(object, "hidden_kind", static_cast<double>(rbm.hidden_kind()));
}

template <typename T>
Rbm<T> read_rbm(const H5Reader& file, const std::string& group) {
  const std::size_t d = whole_attribute(file, group, "visible_units", 1 << 24), m = whole_attribute(file, group, "hidden_units", 1 << 24);
  const std::size_t visible_kind = whole_attribute(file, group, "visible_kind", 2), hidden_kind = whole_attribute(file, group, "hidden_kind", 2);
  if (d == 0 || m == 0) throw FileError(file.path(), prefix(group) + "an RBM needs at least one visible and one hidden unit");
  if (visible_kind == 1 && hidden_kind == 1)
    throw FileError(file.path(), prefix(group) + "Gaussian visible and hidden units together are not a valid RBM");
  // The shapes are checked before the weights are read into an RBM of the stated sizes.
  const arma::Mat<T> W = read_parameter<T>(file, in_group(group, "W"), m, d);
  const arma::Mat<T> b = read_parameter<T>(file, in_group(group, "b"), d, 1);
  const arma::Mat<T> c = read_parameter<T>(file, in_group(group, "c"), m, 1);
  Rng unused(0);  // the weights are replaced right after
  Rbm<T> rbm(d, m, unused, static_cast<UnitKind>(visible_kind), static_cast<UnitKind>(hidden_kind));
  rbm.set_parameters(W, b, c);
  return rbm;
}

template <typename T>
void save_rbm(const std::string& path, const Rbm<T>& rbm) {
  H5Writer file(path);
  file.set_attribute("/", "format", kFormat);
  write_rbm(file, "", rbm);
  file.commit();
}

template <typename T>
Rbm<T> load_rbm(const std::string& path) {
  try {
    const H5Reader file(path, Integrity::required);
    if (!file.has_attribute("/", "format") || file.attribute_string("/", "format") != kFormat)
      throw FileError(path, std::string("not a lecon RBM (expected attribute format = ") + kFormat + ")");
    return read_rbm<T>(file, "");
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
template void write_rbm<float>(H5Writer&, const std::string&, const Rbm<float>&);
template void write_rbm<double>(H5Writer&, const std::string&, const Rbm<double>&);
template Rbm<float> read_rbm<float>(const H5Reader&, const std::string&);
template Rbm<double> read_rbm<double>(const H5Reader&, const std::string&);

}  // namespace lecon
