#pragma once
// HDF5 save/load of named tensors with attributes.
//
// A Tensor of shape (n, c, h, w) is stored as a dataset of exactly that shape in C order, so h5py reads
// it as the array you would expect (f["/train/x"].shape == (60000, 1, 28, 28)). Labels are uint32
// datasets of shape (n). Names may contain '/': the groups on the way are created.
//
// Files are written atomically: H5Writer writes "<path>.tmp.<pid>" and commit() renames it onto <path>,
// so a crash never leaves a half-written file where a good one was.
#include <H5Cpp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lecon/core/tensor.hpp"

namespace lecon {

class H5Writer {
 public:
  explicit H5Writer(const std::string& path);
  ~H5Writer();  // without commit(): the temporary file is removed, <path> is untouched
  H5Writer(const H5Writer&) = delete;
  H5Writer& operator=(const H5Writer&) = delete;

  template <typename T>
  void write(const std::string& name, const Tensor<T>& tensor);
  // Raw bytes (e.g. pixels 0-255) under an explicit shape.
  void write_bytes(const std::string& name, const Shape& shape, const std::vector<std::uint8_t>& bytes);
  void write_labels(const std::string& name, const arma::uvec& labels);

  // Attributes on a group or dataset ("/" is the file itself). The object must exist (groups are made).
  void set_attribute(const std::string& object, const std::string& key, const std::string& value);
  void set_attribute(const std::string& object, const std::string& key, double value);
  void set_attribute(const std::string& object, const std::string& key, const std::vector<std::string>& values);

  void commit();
  const std::string& path() const { return path_; }

 private:
  H5::Group make_groups(const std::string& path);  // opens or creates every group along "a/b/c"
  H5::Group group_for(const std::string& name);    // the parent group of dataset "a/b/x", made if needed
  // Makes `name` a group if it does not exist yet, then creates attribute `key` on it.
  H5::Attribute create_attribute(const std::string& name, const std::string& key, const H5::DataType& type,
                                 const H5::DataSpace& space);

  std::string path_;
  std::string temp_path_;
  std::unique_ptr<H5::H5File> file_;
  bool committed_ = false;
};

class H5Reader {
 public:
  // Throws FileError if the file is missing or is not HDF5.
  explicit H5Reader(const std::string& path);

  bool exists(const std::string& name) const;
  Shape shape(const std::string& name) const;
  // Any stored numeric type is converted to T by HDF5.
  template <typename T>
  Tensor<T> read(const std::string& name) const;
  std::vector<std::uint8_t> read_bytes(const std::string& name, Shape& shape) const;
  arma::uvec read_labels(const std::string& name) const;

  // Names of the members of a group, sorted.
  std::vector<std::string> children(const std::string& group) const;
  // Names of the attributes of a group or dataset.
  std::vector<std::string> attribute_names(const std::string& object) const;
  bool has_attribute(const std::string& object, const std::string& key) const;
  std::string attribute_string(const std::string& object, const std::string& key) const;
  double attribute_number(const std::string& object, const std::string& key) const;
  std::vector<std::string> attribute_strings(const std::string& object, const std::string& key) const;

  const std::string& path() const { return path_; }

 private:
  H5::DataSet dataset(const std::string& name) const;
  H5::Attribute attribute(const std::string& object, const std::string& key) const;

  std::string path_;
  std::unique_ptr<H5::H5File> file_;
};

}  // namespace lecon
