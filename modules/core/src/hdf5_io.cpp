#include "lecon/core/hdf5_io.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <type_traits>

namespace lecon {
namespace {

// HDF5 prints its own error stack by default; we report one line through exceptions instead.
void quiet_hdf5() {
  static const bool silenced = [] {
    H5::Exception::dontPrint();
    return true;
  }();
  (void)silenced;
}

template <typename T>
const H5::PredType& native_type() {
  if constexpr (std::is_same_v<T, float>) return H5::PredType::NATIVE_FLOAT;
  else if constexpr (std::is_same_v<T, double>) return H5::PredType::NATIVE_DOUBLE;
  else if constexpr (std::is_same_v<T, std::uint8_t>) return H5::PredType::NATIVE_UINT8;
  else static_assert(sizeof(T) == 0, "unsupported HDF5 element type");
}

std::vector<hsize_t> dims_of(const Shape& shape) {
  std::vector<hsize_t> dims(shape.rank());
  for (std::size_t axis = 0; axis < shape.rank(); ++axis) dims[axis] = shape[axis];
  return dims;
}

Shape shape_of(const std::vector<hsize_t>& d) {
  switch (d.size()) {
    case 1: return Shape{d[0]};
    case 2: return Shape{d[0], d[1]};
    case 3: return Shape{d[0], d[1], d[2]};
    case 4: return Shape{d[0], d[1], d[2], d[3]};
    default: throw Error("rank " + std::to_string(d.size()) + " not in 1-4");
  }
}

H5::StrType variable_string() { return H5::StrType(H5::PredType::C_S1, H5T_VARIABLE); }

// Whether "a/b/c" exists. H5Lexists needs every parent to exist, so the path is walked from the top.
bool path_exists(const H5::H5File& file, const std::string& name) {
  if (name.empty() || name == "/") return true;
  try {
    std::size_t start = name.front() == '/' ? 1 : 0;
    for (std::size_t slash = name.find('/', start);; slash = name.find('/', slash + 1)) {
      if (!file.nameExists(name.substr(0, slash))) return false;
      if (slash == std::string::npos) return true;
    }
  } catch (const H5::Exception&) {
    return false;
  }
}

}  // namespace

// ---------------------------------------------------------------- writer

H5Writer::H5Writer(const std::string& path) : path_(path) {
  quiet_hdf5();
  temp_path_ = path + ".tmp." + std::to_string(getpid());
  try {
    file_ = std::make_unique<H5::H5File>(temp_path_, H5F_ACC_TRUNC);
  } catch (const H5::Exception&) {
    throw FileError(path, "cannot create HDF5 file (is the directory there and writable?)");
  }
}

H5Writer::~H5Writer() {
  if (committed_) return;
  try {
    file_.reset();
  } catch (...) {
  }
  std::remove(temp_path_.c_str());
}

H5::Group H5Writer::make_groups(const std::string& path) {
  // Walk "a/b": open or create a, then a/b.
  H5::Group group = file_->openGroup("/");
  std::string prefix;
  std::size_t start = path.empty() || path.front() != '/' ? 0 : 1;
  while (start < path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    prefix += "/" + path.substr(start, slash - start);
    group = file_->nameExists(prefix) ? file_->openGroup(prefix) : file_->createGroup(prefix);
    start = slash + 1;
  }
  return group;
}

H5::Group H5Writer::group_for(const std::string& name) {
  const std::size_t slash = name.rfind('/');
  return make_groups(slash == std::string::npos ? "" : name.substr(0, slash));
}

template <typename T>
void H5Writer::write(const std::string& name, const Tensor<T>& tensor) {
  try {
    group_for(name);
    const std::vector<hsize_t> dims = dims_of(tensor.shape());
    H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
    H5::DataSet set = file_->createDataSet(name, native_type<T>(), space);
    if (tensor.size() > 0) set.write(tensor.data(), native_type<T>());
  } catch (const H5::Exception& e) {
    throw FileError(path_, "cannot write dataset " + name + ": " + e.getDetailMsg());
  }
}

void H5Writer::write_bytes(const std::string& name, const Shape& shape, const std::vector<std::uint8_t>& bytes) {
  if (bytes.size() != shape.size())
    throw Error("H5Writer::write_bytes: " + std::to_string(bytes.size()) + " bytes do not fill shape " + shape.str());
  try {
    group_for(name);
    const std::vector<hsize_t> dims = dims_of(shape);
    H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
    H5::DataSet set = file_->createDataSet(name, H5::PredType::NATIVE_UINT8, space);
    if (!bytes.empty()) set.write(bytes.data(), H5::PredType::NATIVE_UINT8);
  } catch (const H5::Exception& e) {
    throw FileError(path_, "cannot write dataset " + name + ": " + e.getDetailMsg());
  }
}

void H5Writer::write_labels(const std::string& name, const arma::uvec& labels) {
  std::vector<std::uint32_t> values(labels.n_elem);
  for (std::size_t i = 0; i < labels.n_elem; ++i) {
    if (labels[i] > UINT32_MAX) throw Error("H5Writer::write_labels: label does not fit in 32 bits");
    values[i] = static_cast<std::uint32_t>(labels[i]);
  }
  try {
    group_for(name);
    hsize_t n = values.size();
    H5::DataSpace space(1, &n);
    H5::DataSet set = file_->createDataSet(name, H5::PredType::NATIVE_UINT32, space);
    if (n > 0) set.write(values.data(), H5::PredType::NATIVE_UINT32);
  } catch (const H5::Exception& e) {
    throw FileError(path_, "cannot write dataset " + name + ": " + e.getDetailMsg());
  }
}

H5::Attribute H5Writer::create_attribute(const std::string& name, const std::string& key, const H5::DataType& type,
                                        const H5::DataSpace& space) {
  if (!path_exists(*file_, name)) make_groups(name);
  if (name == "/" || file_->childObjType(name) == H5O_TYPE_GROUP) return file_->openGroup(name).createAttribute(key, type, space);
  return file_->openDataSet(name).createAttribute(key, type, space);
}

void H5Writer::set_attribute(const std::string& object_name, const std::string& key, const std::string& value) {
  try {
    H5::StrType type = variable_string();
    H5::Attribute attr = create_attribute(object_name, key, type, H5::DataSpace(H5S_SCALAR));
    attr.write(type, value);
  } catch (const H5::Exception& e) {
    throw FileError(path_, "cannot write attribute " + object_name + "@" + key + ": " + e.getDetailMsg());
  }
}

void H5Writer::set_attribute(const std::string& object_name, const std::string& key, double value) {
  try {
    H5::Attribute attr = create_attribute(object_name, key, H5::PredType::NATIVE_DOUBLE, H5::DataSpace(H5S_SCALAR));
    attr.write(H5::PredType::NATIVE_DOUBLE, &value);
  } catch (const H5::Exception& e) {
    throw FileError(path_, "cannot write attribute " + object_name + "@" + key + ": " + e.getDetailMsg());
  }
}

void H5Writer::set_attribute(const std::string& object_name, const std::string& key, const std::vector<std::string>& values) {
  try {
    std::vector<const char*> pointers;
    for (const std::string& v : values) pointers.push_back(v.c_str());
    hsize_t n = pointers.size();
    H5::StrType type = variable_string();
    H5::Attribute attr = create_attribute(object_name, key, type, H5::DataSpace(1, &n));
    if (n > 0) attr.write(type, pointers.data());
  } catch (const H5::Exception& e) {
    throw FileError(path_, "cannot write attribute " + object_name + "@" + key + ": " + e.getDetailMsg());
  }
}

void H5Writer::commit() {
  if (committed_) return;
  try {
    file_->close();
  } catch (const H5::Exception& e) {
    throw FileError(path_, "cannot finish HDF5 file: " + e.getDetailMsg());
  }
  std::error_code ec;
  std::filesystem::rename(temp_path_, path_, ec);
  if (ec) throw FileError(path_, "cannot move finished file into place: " + ec.message());
  committed_ = true;
}

template void H5Writer::write<float>(const std::string&, const Tensor<float>&);
template void H5Writer::write<double>(const std::string&, const Tensor<double>&);

// ---------------------------------------------------------------- reader

H5Reader::H5Reader(const std::string& path) : path_(path) {
  quiet_hdf5();
  if (!std::filesystem::exists(path)) throw FileError(path, "file not found");
  try {
    if (!H5::H5File::isHdf5(path)) throw FileError(path, "not an HDF5 file (wrong signature)");
    file_ = std::make_unique<H5::H5File>(path, H5F_ACC_RDONLY);
  } catch (const H5::Exception& e) {
    throw FileError(path, "cannot open HDF5 file: " + e.getDetailMsg());
  }
}

bool H5Reader::exists(const std::string& name) const { return path_exists(*file_, name); }

H5::DataSet H5Reader::dataset(const std::string& name) const {
  if (!exists(name)) throw FileError(path_, "dataset " + name + " not found");
  try {
    return file_->openDataSet(name);
  } catch (const H5::Exception& e) {
    throw FileError(path_, name + " is not a dataset: " + e.getDetailMsg());
  }
}

Shape H5Reader::shape(const std::string& name) const {
  H5::DataSpace space = dataset(name).getSpace();
  const int rank = space.getSimpleExtentNdims();
  if (rank < 1 || rank > 4) throw FileError(path_, name + ": rank " + std::to_string(rank) + ", expected 1 to 4");
  std::vector<hsize_t> dims(rank);
  space.getSimpleExtentDims(dims.data());
  return shape_of(dims);
}

template <typename T>
Tensor<T> H5Reader::read(const std::string& name) const {
  const Shape s = shape(name);
  Tensor<T> tensor(s);
  try {
    if (tensor.size() > 0) dataset(name).read(tensor.data(), native_type<T>());
  } catch (const H5::Exception& e) {
    throw FileError(path_, "cannot read " + name + " as numbers: " + e.getDetailMsg());
  }
  return tensor;
}

std::vector<std::uint8_t> H5Reader::read_bytes(const std::string& name, Shape& s) const {
  s = shape(name);
  H5::DataSet set = dataset(name);
  if (set.getTypeClass() != H5T_INTEGER || set.getDataType().getSize() != 1)
    throw FileError(path_, name + ": expected 8-bit integers");
  std::vector<std::uint8_t> bytes(s.size());
  try {
    if (!bytes.empty()) set.read(bytes.data(), H5::PredType::NATIVE_UINT8);
  } catch (const H5::Exception& e) {
    throw FileError(path_, "cannot read " + name + ": " + e.getDetailMsg());
  }
  return bytes;
}

arma::uvec H5Reader::read_labels(const std::string& name) const {
  const Shape s = shape(name);
  if (s.rank() != 1) throw FileError(path_, name + ": labels must be rank 1, got shape " + s.str());
  H5::DataSet set = dataset(name);
  if (set.getTypeClass() != H5T_INTEGER) throw FileError(path_, name + ": labels must be integers");
  std::vector<std::uint64_t> values(s.batch());
  try {
    if (!values.empty()) set.read(values.data(), H5::PredType::NATIVE_UINT64);
  } catch (const H5::Exception& e) {
    throw FileError(path_, "cannot read " + name + ": " + e.getDetailMsg());
  }
  arma::uvec labels(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) labels[i] = static_cast<arma::uword>(values[i]);
  return labels;
}

H5::Attribute H5Reader::attribute(const std::string& object_name, const std::string& key) const {
  if (!has_attribute(object_name, key)) throw FileError(path_, "attribute " + object_name + "@" + key + " not found");
  if (object_name == "/" || file_->childObjType(object_name) == H5O_TYPE_GROUP)
    return file_->openGroup(object_name).openAttribute(key);
  return file_->openDataSet(object_name).openAttribute(key);
}

std::vector<std::string> H5Reader::children(const std::string& group) const {
  if (group != "/" && !exists(group)) throw FileError(path_, "group " + group + " not found");
  try {
    const H5::Group g = file_->openGroup(group);
    std::vector<std::string> names;
    for (hsize_t i = 0; i < g.getNumObjs(); ++i) names.push_back(g.getObjnameByIdx(i));
    std::sort(names.begin(), names.end());
    return names;
  } catch (const H5::Exception& e) {
    throw FileError(path_, group + " is not a group: " + e.getDetailMsg());
  }
}

std::vector<std::string> H5Reader::attribute_names(const std::string& object_name) const {
  if (object_name != "/" && !exists(object_name)) throw FileError(path_, object_name + " not found");
  try {
    auto names_of = [](const H5::H5Object& object) {
      std::vector<std::string> names;
      for (int i = 0; i < object.getNumAttrs(); ++i) names.push_back(object.openAttribute(static_cast<unsigned>(i)).getName());
      return names;
    };
    if (object_name == "/" || file_->childObjType(object_name) == H5O_TYPE_GROUP) return names_of(file_->openGroup(object_name));
    return names_of(file_->openDataSet(object_name));
  } catch (const H5::Exception& e) {
    throw FileError(path_, "cannot list the attributes of " + object_name + ": " + e.getDetailMsg());
  }
}

bool H5Reader::has_attribute(const std::string& object_name, const std::string& key) const {
  try {
    if (object_name != "/" && !exists(object_name)) return false;
    if (object_name == "/" || file_->childObjType(object_name) == H5O_TYPE_GROUP)
      return file_->openGroup(object_name).attrExists(key);
    return file_->openDataSet(object_name).attrExists(key);
  } catch (const H5::Exception&) {
    return false;
  }
}

std::string H5Reader::attribute_string(const std::string& object_name, const std::string& key) const {
  try {
    H5::Attribute attr = attribute(object_name, key);
    if (attr.getTypeClass() != H5T_STRING) throw FileError(path_, object_name + "@" + key + ": expected a string");
    std::string value;
    attr.read(attr.getStrType(), value);
    return value;
  } catch (const H5::Exception& e) {
    throw FileError(path_, "cannot read attribute " + object_name + "@" + key + ": " + e.getDetailMsg());
  }
}

double H5Reader::attribute_number(const std::string& object_name, const std::string& key) const {
  try {
    H5::Attribute attr = attribute(object_name, key);
    if (attr.getTypeClass() != H5T_INTEGER && attr.getTypeClass() != H5T_FLOAT)
      throw FileError(path_, object_name + "@" + key + ": expected a number");
    double value = 0;
    attr.read(H5::PredType::NATIVE_DOUBLE, &value);
    return value;
  } catch (const H5::Exception& e) {
    throw FileError(path_, "cannot read attribute " + object_name + "@" + key + ": " + e.getDetailMsg());
  }
}

std::vector<std::string> H5Reader::attribute_strings(const std::string& object_name, const std::string& key) const {
  try {
    H5::Attribute attr = attribute(object_name, key);
    if (attr.getTypeClass() != H5T_STRING) throw FileError(path_, object_name + "@" + key + ": expected strings");
    const hssize_t n = attr.getSpace().getSimpleExtentNpoints();
    H5::StrType type = attr.getStrType();
    std::vector<std::string> values;
    if (type.isVariableStr()) {
      std::vector<char*> pointers(n, nullptr);
      H5::StrType memory = variable_string();
      attr.read(memory, pointers.data());
      for (char* p : pointers) values.emplace_back(p ? p : "");
      H5::DataSpace space = attr.getSpace();
      H5Dvlen_reclaim(memory.getId(), space.getId(), H5P_DEFAULT, pointers.data());
    } else {  // fixed-length strings, as numpy's 'S' arrays are written
      const std::size_t width = type.getSize();
      std::vector<char> buffer(width * n);
      attr.read(type, buffer.data());
      for (hssize_t i = 0; i < n; ++i) {
        const char* start = buffer.data() + i * width;
        values.emplace_back(start, strnlen(start, width));
      }
    }
    return values;
  } catch (const H5::Exception& e) {
    throw FileError(path_, "cannot read attribute " + object_name + "@" + key + ": " + e.getDetailMsg());
  }
}

template Tensor<float> H5Reader::read<float>(const std::string&) const;
template Tensor<double> H5Reader::read<double>(const std::string&) const;

}  // namespace lecon
