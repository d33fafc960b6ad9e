#pragma once
// HDF5 save/load of named tensors with attributes.
//
// A Tensor of shape (n, c, h, w) is stored as a dataset of exactly that shape in C order, so h5py reads
// it as the array you would expect (f["/train/x"].shape == (60000, 1, 28, 28)). Labels are uint32
// datasets of shape (n). Names may contain '/': the groups on the way are created.
//
// Files are built in memory and written atomically by commit() (atomic_file.hpp): a crash, a full disk or
// a failing write never leaves a half-written file where a good one was; HDF5 itself never writes to disk.
//
// Integrity. Every file H5Writer writes starts with a 512-byte HDF5 user block, which HDF5 and h5py skip,
// holding a text header (docs/reliability.md):
//     lecon-hdf5 1\ncrc32 <8 hex digits>\nbytes <20 digits>\n   then zeros to byte 512
// the CRC-32 (zlib's) and the length of the HDF5 image that follows. H5Reader checks both over the whole
// file BEFORE HDF5 parses a byte of it, so a damaged file is one clear error, never a crash or a hang in
// HDF5's parser and never silently changed numbers. Strings are stored fixed-length (HDF5 1.10's global
// heap, which holds variable-length strings, crashes on damaged files).
//
// Sizes. Every dataset's shape is checked before anything is allocated: the element count is computed
// with overflow checks, capped at kMaxTensorElements (tensor.hpp), and for unfiltered data the bytes it
// declares must fit in the file.
#include <H5Cpp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lecon/core/tensor.hpp"

namespace lecon {

class H5Writer {
 public:
  // Checks at once that `path` can be saved to (check_save_target), so a bad target fails before any work.
  explicit H5Writer(const std::string& path);
  ~H5Writer();  // without commit(): nothing was written, <path> is untouched
  H5Writer(const H5Writer&) = delete;
  H5Writer& operator=(const H5Writer&) = delete;

  template <typename T>
  void write(const std::string& name, const Tensor<T>& tensor);
  // Raw bytes (e.g. pixels 0-255) under an explicit shape.
  void write_bytes(const std::string& name, const Shape& shape, const std::vector<std::uint8_t>& bytes);
  void write_labels(const std::string& name, const arma::uvec& labels);
  // 64-bit unsigned integers of rank 1, stored exactly (a random generator's state words; an attribute
  // holds a double, which keeps only 53 bits).
  void write_words(const std::string& name, const std::vector<std::uint64_t>& words);

  // Attributes on a group or dataset ("/" is the file itself). The object must exist (groups are made).
  void set_attribute(const std::string& object, const std::string& key, const std::string& value);
  void set_attribute(const std::string& object, const std::string& key, double value);
  void set_attribute(const std::string& object, const std::string& key, const std::vector<std::string>& values);
  // A 64-bit signed integer (a count: h5py shows 3, not 3.0).
  void set_integer_attribute(const std::string& object, const std::string& key, std::int64_t value);

  // Writes the checksum header and the HDF5 image to <path> atomically. Throws FileError with the OS's
  // reason (full disk, read-only file system, ...); the old file is then intact.
  void commit();
  const std::string& path() const { return path_; }

 private:
  // Creates dataset `name` of shape `dims` (groups on the way included) and writes `data` into it.
  void write_dataset(const std::string& name, const std::vector<hsize_t>& dims, const H5::PredType& type, const void* data);
  H5::Group make_groups(const std::string& path);  // opens or creates every group along "a/b/c"
  H5::Group group_for(const std::string& name);    // the parent group of dataset "a/b/x", made if needed
  // Makes `name` a group if it does not exist yet, then creates attribute `key` on it.
  H5::Attribute create_attribute(const std::string& name, const std::string& key, const H5::DataType& type,
                                 const H5::DataSpace& space);

  std::string path_;
  std::unique_ptr<H5::H5File> file_;  // in memory (HDF5's core driver, no backing store)
  bool committed_ = false;
};

// Whether a file without lecon's checksum header is accepted.
enum class Integrity {
  required,   // only files written by lecon (models, checkpoints)
  if_present  // also plain HDF5 files written by other tools (h5py), read unverified
};

class H5Reader {
 public:
  // Throws FileError if the file is missing, not a regular file, not HDF5, fails its checksum, or
  // (Integrity::required) carries no checksum header.
  explicit H5Reader(const std::string& path, Integrity integrity = Integrity::if_present);

  // Whether the file carried lecon's checksum header (and passed it).
  bool verified() const { return verified_; }

  bool exists(const std::string& name) const;
  // The dataset's shape, checked for overflow, the element cap and the bytes the file can hold.
  Shape shape(const std::string& name) const;
  // The element type a dataset is stored with.
  struct StoredType {
    H5T_class_t type_class = H5T_NO_CLASS;
    std::size_t bytes = 0;
    bool is_signed = false;

    bool pixels() const { return type_class == H5T_INTEGER && bytes == 1 && !is_signed; }
    bool floats() const { return type_class == H5T_FLOAT && (bytes == 4 || bytes == 8); }
    std::string str() const;  // "8-bit unsigned integers", "64-bit floats", ...
  };
  StoredType stored_type(const std::string& name) const;

  // Any stored numeric type is converted to T by HDF5.
  template <typename T>
  Tensor<T> read(const std::string& name) const;
  std::vector<std::uint8_t> read_bytes(const std::string& name, Shape& shape) const;
  // Integer labels of rank 1; a negative label is an error (not a silent class 0).
  arma::uvec read_labels(const std::string& name) const;
  // A rank-1 dataset stored as 64-bit unsigned integers (write_words); any other type is an error, since
  // a conversion could change the bits.
  std::vector<std::uint64_t> read_words(const std::string& name) const;

  // Names of the members of a group, sorted.
  std::vector<std::string> children(const std::string& group) const;
  // Names of the attributes of a group or dataset.
  std::vector<std::string> attribute_names(const std::string& object) const;
  bool has_attribute(const std::string& object, const std::string& key) const;
  // Whether the attribute holds text (else a number, or something attribute_number refuses).
  bool attribute_is_text(const std::string& object, const std::string& key) const;
  std::string attribute_string(const std::string& object, const std::string& key) const;
  double attribute_number(const std::string& object, const std::string& key) const;
  std::vector<std::string> attribute_strings(const std::string& object, const std::string& key) const;

  const std::string& path() const { return path_; }

 private:
  H5::DataSet dataset(const std::string& name) const;
  H5::Attribute attribute(const std::string& object, const std::string& key) const;

  std::string path_;
  std::uint64_t file_bytes_ = 0;
  bool verified_ = false;
  std::unique_ptr<H5::H5File> file_;
};

// The size of lecon's checksum header (the HDF5 user block), in bytes.
constexpr std::size_t kChecksumHeaderBytes = 512;

}  // namespace lecon
