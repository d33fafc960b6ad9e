#include "lecon/core/hdf5_io.hpp"

#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <type_traits>

#include "lecon/core/atomic_file.hpp"
#include "input_file.hpp"

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

// Fixed-length strings of `width` bytes, zero-padded (numpy's 'S' dtype): HDF5 keeps them inside the
// attribute itself, not in the global heap whose reader crashes on damaged files.
H5::StrType fixed_string(std::size_t width) {
  H5::StrType type(H5::PredType::C_S1, std::max<std::size_t>(width, 1));
  type.setStrpad(H5T_STR_NULLPAD);
  return type;
}

// ---- the checksum header (the 512-byte user block) ----
constexpr const char* kHeaderMagic = "lecon-hdf5 1\n";

std::string header_text(std::uint32_t crc, std::uint64_t bytes) {
  char text[80];
  std::snprintf(text, sizeof text, "%scrc32 %08x\nbytes %020llu\n", kHeaderMagic, crc, static_cast<unsigned long long>(bytes));
  return text;
}

// CRC-32 over [data, data + size), continuing from `crc`, in pieces zlib's uInt can take.
std::uint32_t crc32_of(std::uint32_t crc, const unsigned char* data, std::size_t size) {
  while (size > 0) {
    const uInt piece = static_cast<uInt>(std::min<std::size_t>(size, 1u << 30));
    crc = static_cast<std::uint32_t>(crc32(crc, data, piece));
    data += piece;
    size -= piece;
  }
  return crc;
}

const unsigned char kHdf5Signature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

// Checks lecon's header over the whole file. Returns false for a plain HDF5 file (signature at byte 0,
// no header); throws FileError for anything else that is not a valid, intact lecon file.
bool verify_checksum(const std::string& path, std::uint64_t file_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(path, std::string("cannot open for reading: ") + std::strerror(errno));
  std::vector<unsigned char> header(kChecksumHeaderBytes, 0);
  in.read(reinterpret_cast<char*>(header.data()), static_cast<std::streamsize>(header.size()));
  const std::size_t got = static_cast<std::size_t>(in.gcount());
  if (got >= 8 && std::memcmp(header.data(), kHdf5Signature, 8) == 0) return false;
  const std::size_t magic_length = std::strlen(kHeaderMagic);
  if (got < magic_length || std::memcmp(header.data(), kHeaderMagic, magic_length) != 0)
    throw FileError(path, "not an HDF5 file (wrong signature)");
  if (got < kChecksumHeaderBytes) throw FileError(path, "truncated: the file ends inside lecon's 512-byte header");
  unsigned crc_stored = 0;
  unsigned long long bytes_stored = 0;
  const std::string text(reinterpret_cast<const char*>(header.data()), header_text(0, 0).size());
  if (std::sscanf(text.c_str(), "lecon-hdf5 1\ncrc32 %8x\nbytes %20llu\n", &crc_stored, &bytes_stored) != 2 ||
      header_text(crc_stored, bytes_stored) != text ||
      std::any_of(header.begin() + static_cast<std::ptrdiff_t>(text.size()), header.end(), [](unsigned char c) { return c != 0; }))
    throw FileError(path, "damaged: lecon's checksum header is unreadable");
  if (bytes_stored != file_bytes - kChecksumHeaderBytes)
    throw FileError(path, "damaged or truncated: the header promises " + std::to_string(bytes_stored) + " bytes of HDF5 data, the file holds " +
                              std::to_string(file_bytes - kChecksumHeaderBytes));
  std::uint32_t crc = static_cast<std::uint32_t>(crc32(0, nullptr, 0));
  std::vector<unsigned char> buffer(1 << 20);
  while (in) {
    in.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(buffer.size()));
    crc = crc32_of(crc, buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw FileError(path, std::string("read error: ") + std::strerror(errno));
  if (crc != crc_stored) {
    char detail[96];
    std::snprintf(detail, sizeof detail, "checksum mismatch (stored crc32 %08x, computed %08x): the file is damaged", crc_stored, crc);
    throw FileError(path, detail);
  }
  return true;
}

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
  check_save_target(path);
  // In memory (core driver without backing store): HDF5 never touches the disk, commit() writes the image.
  // Each writer's in-memory file gets its own name, since HDF5 refuses to create a name that is open.
  static std::atomic<unsigned long> serial{0};
  try {
    H5::FileCreatPropList create;
    create.setUserblock(kChecksumHeaderBytes);
    H5::FileAccPropList access;
    access.setCore(1 << 20, false);
    file_ = std::make_unique<H5::H5File>("lecon-in-memory-" + std::to_string(serial++), H5F_ACC_TRUNC, create, access);
  } catch (const H5::Exception& e) {
    throw FileError(path, "cannot create an HDF5 file in memory: " + e.getDetailMsg());
  }
}

H5Writer::~H5Writer() {
  try {
    if (file_) file_->close();
  } catch (...) {
  }
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

void H5Writer::write_dataset(const std::string& name, const std::vector<hsize_t>& dims, const H5::PredType& type, const void* data) {
  try {
    group_for(name);
    H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
    H5::DataSet set = file_->createDataSet(name, type, space);
    if (std::all_of(dims.begin(), dims.end(), [](hsize_t d) { return d > 0; })) set.write(data, type);
  } catch (const H5::Exception& e) {
    throw FileError(path_, "cannot write dataset " + name + ": " + e.getDetailMsg());
  }
}

template <typename T>
void H5Writer::write(const std::string& name, const Tensor<T>& tensor) {
  write_dataset(name, dims_of(tensor.shape()), native_type<T>(), tensor.data());
}

void H5Writer::write_bytes(const std::string& name, const Shape& shape, const std::vector<std::uint8_t>& bytes) {
  if (bytes.size() != shape.size())
    throw Error("H5Writer::write_bytes: " + std::to_string(bytes.size()) + " bytes do not fill shape " + shape.str());
  write_dataset(name, dims_of(shape), H5::PredType::NATIVE_UINT8, bytes.data());
}

void H5Writer::write_labels(const std::string& name, const arma::uvec& labels) {
  std::vector<std::uint32_t> values(labels.n_elem);
  for (std::size_t i = 0; i < labels.n_elem; ++i) {
    if (labels[i] > UINT32_MAX) throw Error("H5Writer::write_labels: label does not fit in 32 bits");
    values[i] = static_cast<std::uint32_t>(labels[i]);
  }
  write_dataset(name, {values.size()}, H5::PredType::NATIVE_UINT32, values.data());
}

void H5Writer::write_words(const std::string& name, const std::vector<std::uint64_t>& words) {
  write_dataset(name, {words.size()}, H5::PredType::NATIVE_UINT64, words.data());
}

H5::Attribute H5Writer::create_attribute(const std::string& name, const std::string& key, const H5::DataType& type,
                                        const H5::DataSpace& space) {
  if (!path_exists(*file_, name)) make_groups(name);
  if (name == "/" || file_->childObjType(name) == H5O_TYPE_GROUP) return file_->openGroup(name).createAttribute(key, type, space);
  return file_->openDataSet(name).createAttribute(key, type, space);
}

void H5Writer::set_attribute(const std::string& object_name, const std::string& key, const std::string& value) {
  try {
    H5::StrType type = fixed_string(value.size());
    H5::Attribute attr = create_attribute(object_name, key, type, H5::DataSpace(H5S_SCALAR));
    std::vector<char> bytes(std::max<std::size_t>(value.size(), 1), '\0');
    std::copy(value.begin(), value.end(), bytes.begin());
    attr.write(type, bytes.data());
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

void H5Writer::set_integer_attribute(const std::string& object_name, const std::string& key, std::int64_t value) {
  try {
    H5::Attribute attr = create_attribute(object_name, key, H5::PredType::STD_I64LE, H5::DataSpace(H5S_SCALAR));
    attr.write(H5::PredType::NATIVE_INT64, &value);
  } catch (const H5::Exception& e) {
    throw FileError(path_, "cannot write attribute " + object_name + "@" + key + ": " + e.getDetailMsg());
  }
}

void H5Writer::set_attribute(const std::string& object_name, const std::string& key, const std::vector<std::string>& values) {
  try {
    std::size_t width = 1;
    for (const std::string& v : values) width = std::max(width, v.size());
    std::vector<char> bytes(width * values.size(), '\0');
    for (std::size_t i = 0; i < values.size(); ++i) std::copy(values[i].begin(), values[i].end(), bytes.begin() + static_cast<std::ptrdiff_t>(i * width));
    hsize_t n = values.size();
    H5::StrType type = fixed_string(width);
    H5::Attribute attr = create_attribute(object_name, key, type, H5::DataSpace(1, &n));
    if (n > 0) attr.write(type, bytes.data());
  } catch (const H5::Exception& e) {
    throw FileError(path_, "cannot write attribute " + object_name + "@" + key + ": " + e.getDetailMsg());
  }
}

void H5Writer::commit() {
  if (committed_) return;
  std::vector<unsigned char> image;
  try {
    file_->flush(H5F_SCOPE_GLOBAL);
    const ssize_t size = H5Fget_file_image(file_->getId(), nullptr, 0);
    if (size <= 0) throw FileError(path_, "cannot finish the HDF5 image in memory");
    image.resize(static_cast<std::size_t>(size));
    if (H5Fget_file_image(file_->getId(), image.data(), image.size()) != size)
      throw FileError(path_, "cannot finish the HDF5 image in memory");
  } catch (const H5::Exception& e) {
    throw FileError(path_, "cannot finish the HDF5 image in memory: " + e.getDetailMsg());
  }
  // The image starts at HDF5's superblock; the user block in front of it holds our header.
  std::vector<char> header(kChecksumHeaderBytes, '\0');
  const std::string text = header_text(crc32_of(static_cast<std::uint32_t>(crc32(0, nullptr, 0)), image.data(), image.size()), image.size());
  std::copy(text.begin(), text.end(), header.begin());
  save_file_atomically(path_, {{header.data(), header.size()}, {image.data(), image.size()}});
  committed_ = true;
}

template void H5Writer::write<float>(const std::string&, const Tensor<float>&);
template void H5Writer::write<double>(const std::string&, const Tensor<double>&);

// ---------------------------------------------------------------- reader

H5Reader::H5Reader(const std::string& path, Integrity integrity) : path_(path) {
  quiet_hdf5();
  file_bytes_ = static_cast<std::uint64_t>(detail::require_regular_file(path, "an HDF5 file"));
  verified_ = verify_checksum(path, file_bytes_);
  if (!verified_ && integrity == Integrity::required)
    throw FileError(path, "no lecon checksum header (expected a file written by lecon; a plain HDF5 file cannot be verified)");
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
  const H5::DataSet set = dataset(name);
  std::vector<hsize_t> dims;
  std::size_t element_bytes = 0;
  int filters = 0;
  try {
    H5::DataSpace space = set.getSpace();
    const int rank = space.getSimpleExtentNdims();
    if (rank < 1 || rank > 4) throw FileError(path_, name + ": rank " + std::to_string(rank) + ", expected 1 to 4");
    dims.resize(static_cast<std::size_t>(rank));
    space.getSimpleExtentDims(dims.data());
    element_bytes = set.getDataType().getSize();
    filters = set.getCreatePlist().getNfilters();
  } catch (const H5::Exception& e) {
    throw FileError(path_, "cannot read the shape of " + name + ": " + e.getDetailMsg());
  }
  // Overflow-safe element count, then the cap, then what the file can hold (unfiltered data is stored
  // as is, so its bytes must fit in the file; compressed data is bounded by the cap alone).
  std::string text = "(";
  for (std::size_t axis = 0; axis < dims.size(); ++axis) text += (axis ? ", " : "") + std::to_string(dims[axis]);
  text += ")";
  std::uint64_t elements = 1;
  bool empty = false;
  for (hsize_t d : dims) {
    if (d == 0) {
      empty = true;
      continue;
    }
    if (d > kMaxTensorElements || elements > kMaxTensorElements / d)
      throw FileError(path_, name + ": shape " + text + " holds more than 2^31 elements, lecon's limit for one tensor");
    elements *= d;
  }
  if (empty) elements = 0;
  if (filters == 0 && element_bytes > 0 && elements > file_bytes_ / element_bytes)
    throw FileError(path_, name + ": shape " + text + " declares " + std::to_string(elements * element_bytes) +
                               " bytes of data, but the file holds only " + std::to_string(file_bytes_));
  try {
    return shape_of(dims);
  } catch (const Error& e) {
    throw FileError(path_, name + ": " + e.what());
  }
}

std::string H5Reader::StoredType::str() const {
  const std::string bits = std::to_string(8 * bytes) + "-bit ";
  if (type_class == H5T_INTEGER) return bits + (is_signed ? "signed" : "unsigned") + " integers";
  if (type_class == H5T_FLOAT) return bits + "floats";
  if (type_class == H5T_STRING) return "strings";
  return "values of a non-numeric type";
}

H5Reader::StoredType H5Reader::stored_type(const std::string& name) const {
  const H5::DataSet set = dataset(name);
  try {
    StoredType type;
    type.type_class = set.getTypeClass();
    type.bytes = set.getDataType().getSize();
    if (type.type_class == H5T_INTEGER) type.is_signed = set.getIntType().getSign() != H5T_SGN_NONE;
    return type;
  } catch (const H5::Exception& e) {
    throw FileError(path_, "cannot read the type of " + name + ": " + e.getDetailMsg());
  }
}

template <typename T>
Tensor<T> H5Reader::read(const std::string& name) const {
  const Shape s = shape(name);
  const H5T_class_t type_class = dataset(name).getTypeClass();
  if (type_class != H5T_FLOAT && type_class != H5T_INTEGER) throw FileError(path_, name + ": expected numbers");
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
  // Read as signed 64-bit so that a negative label is seen (HDF5 would clip it to 0 in an unsigned read).
  std::vector<std::int64_t> values(s.batch());
  try {
    const bool is_signed = set.getIntType().getSign() != H5T_SGN_NONE;
    if (!is_signed && set.getDataType().getSize() >= 8) {  // uint64 above 2^63 would not fit int64
      std::vector<std::uint64_t> unsigned_values(values.size());
      if (!values.empty()) set.read(unsigned_values.data(), H5::PredType::NATIVE_UINT64);
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (unsigned_values[i] > UINT32_MAX)
          throw FileError(path_, name + ": label " + std::to_string(unsigned_values[i]) + " at position " + std::to_string(i) +
                                     " is not a class number (expected 0 to 2^32-1)");
        values[i] = static_cast<std::int64_t>(unsigned_values[i]);
      }
    } else if (!values.empty()) {
      set.read(values.data(), H5::PredType::NATIVE_INT64);
    }
  } catch (const H5::Exception& e) {
    throw FileError(path_, "cannot read " + name + ": " + e.getDetailMsg());
  }
  arma::uvec labels(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] < 0 || values[i] > static_cast<std::int64_t>(UINT32_MAX))
      throw FileError(path_, name + ": label " + std::to_string(values[i]) + " at position " + std::to_string(i) +
                                 " is not a class number (expected 0 to 2^32-1)");
    labels[i] = static_cast<arma::uword>(values[i]);
  }
  return labels;
}

std::vector<std::uint64_t> H5Reader::read_words(const std::string& name) const {
  const Shape s = shape(name);
  if (s.rank() != 1) throw FileError(path_, name + ": expected 64-bit words of rank 1, got shape " + s.str());
  const StoredType type = stored_type(name);
  if (type.type_class != H5T_INTEGER || type.bytes != 8 || type.is_signed)
    throw FileError(path_, name + ": expected 64-bit unsigned integers, got " + type.str());
  std::vector<std::uint64_t> words(s.batch());
  try {
    if (!words.empty()) dataset(name).read(words.data(), H5::PredType::NATIVE_UINT64);
  } catch (const H5::Exception& e) {
    throw FileError(path_, "cannot read " + name + ": " + e.getDetailMsg());
  }
  return words;
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

bool H5Reader::attribute_is_text(const std::string& object_name, const std::string& key) const {
  try {
    return attribute(object_name, key).getTypeClass() == H5T_STRING;
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
    if (n <= 0) return values;
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
