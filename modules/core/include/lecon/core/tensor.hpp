#pragma once
// The shared tensor layer: a dense tensor of rank 1-4 whose first axis is the batch.
//
// Memory layout. A Tensor<T> of shape (n, c, h, w) owns ONE arma::Mat<T> with
// c*h*w rows and n columns: one sample per column. Because Armadillo is column-major,
// that matrix holds exactly the bytes of a C-order (n, c, h, w) array, the layout of
// PyTorch, NumPy/h5py, the idx files and the CIFAR binaries. So files load without
// transposes, and a dense layer is literally  Y = W * X;  Y.each_col() += b.
// Within one sample, pixel (channel k, row y, column x) sits at  k*h*w + y*w + x.
#include <armadillo>
#include <algorithm>
#include <array>
#include <cstddef>
#include <initializer_list>
#include <string>

#include "lecon/core/error.hpp"

namespace lecon {

// The element type used everywhere unless a caller asks otherwise (CONTRIBUTING.md rule 6).
// Gradient checks instantiate the same code with double.
using Real = float;

// The most elements one tensor may hold: 2^31 (8 GiB of float). Every Shape is checked against it with
// overflow-safe arithmetic when it is made, so a corrupt file's dimensions (65536^4 wraps to 0 in 64 bits)
// become a clear error instead of a wrapped size, a huge allocation or a null pointer (docs/reliability.md).
constexpr std::size_t kMaxTensorElements = std::size_t(1) << 31;

// Shape (d0, d1, d2, d3) of rank 1-4; d0 is the batch size n. Throws Error if d0*d1*d2*d3 exceeds
// kMaxTensorElements (for a zero-sized shape, the product of the non-zero dimensions must not).
class Shape {
 public:
  Shape() : Shape({0}) {}
  Shape(std::initializer_list<std::size_t> dims);

  std::size_t rank() const { return rank_; }
  std::size_t operator[](std::size_t axis) const;
  std::size_t batch() const { return dims_[0]; }
  // Elements in one sample: d1*d2*d3 (1 for rank 1).
  std::size_t sample_size() const;
  std::size_t size() const { return batch() * sample_size(); }
  // The same sample shape with another batch size.
  Shape with_batch(std::size_t n) const;
  std::string str() const;         // "(60000, 1, 28, 28)"
  std::string sample_str() const;  // one sample's shape: "(1, 28, 28)"

  bool operator==(const Shape& other) const;
  bool operator!=(const Shape& other) const { return !(*this == other); }

 private:
  void check_size() const;  // throws unless the element count fits kMaxTensorElements

  std::array<std::size_t, 4> dims_{{0, 1, 1, 1}};
  std::size_t rank_ = 1;
};

template <typename T>
class Tensor {
 public:
  Tensor() : shape_({0}), data_(1, 0) {}
  // A zero-filled tensor of the given shape.
  explicit Tensor(const Shape& shape) : shape_(shape), data_(shape.sample_size(), shape.batch(), arma::fill::zeros) {}
  // Takes over a (sample_size x n) matrix, one sample per column.
  Tensor(const Shape& shape, arma::Mat<T> data) : shape_(shape), data_(std::move(data)) {
    if (data_.n_rows != shape_.sample_size() || data_.n_cols != shape_.batch())
      throw Error("Tensor: matrix of " + std::to_string(data_.n_rows) + "x" + std::to_string(data_.n_cols) +
                  " does not hold shape " + shape_.str() + " (expected sample_size x n)");
  }
  // A rank-2 tensor (n, d) from a d x n matrix, one sample per column.
  static Tensor from_columns(arma::Mat<T> columns) {
    Shape s{columns.n_cols, columns.n_rows};
    return Tensor(s, std::move(columns));
  }

  const Shape& shape() const { return shape_; }
  std::size_t batch() const { return shape_.batch(); }
  std::size_t sample_size() const { return shape_.sample_size(); }
  std::size_t size() const { return shape_.size(); }
  bool empty() const { return size() == 0; }

  // The whole batch as a (sample_size x n) matrix: the zero-copy view GEMM works on.
  arma::Mat<T>& matrix() { return data_; }
  const arma::Mat<T>& matrix() const { return data_; }
  T* data() { return data_.memptr(); }
  const T* data() const { return data_.memptr(); }

  // Sample i as a column (a view into the tensor).
  arma::subview_col<T> sample(std::size_t i) { return data_.col(i); }
  const arma::subview_col<T> sample(std::size_t i) const { return data_.col(i); }

  // Channel k of sample i of a rank-4 tensor as a zero-copy matrix of w rows and h columns:
  // column y is image row y, so this is the image TRANSPOSED (Armadillo is column-major).
  arma::Mat<T> channel(std::size_t i, std::size_t k) {
    check_rank4("channel");
    return arma::Mat<T>(data_.colptr(i) + k * shape_[2] * shape_[3], shape_[3], shape_[2], false, true);
  }

  // Element access by (n, c, y, x); unused trailing indices are 0.
  T& at(std::size_t n, std::size_t c = 0, std::size_t y = 0, std::size_t x = 0) { return data_(offset(c, y, x), n); }
  T at(std::size_t n, std::size_t c = 0, std::size_t y = 0, std::size_t x = 0) const { return data_(offset(c, y, x), n); }

  // Same elements, another shape with the same batch and sample size (e.g. flatten (n,c,h,w) -> (n,c*h*w)).
  Tensor reshaped(const Shape& shape) const& { return Tensor(check_reshape(shape), data_); }
  Tensor reshaped(const Shape& shape) && { return Tensor(check_reshape(shape), std::move(data_)); }

  // The samples at the given batch positions, in that order (a copy).
  Tensor gather(const arma::uvec& indices) const {
    Tensor out;
    gather_into(indices, out);
    return out;
  }

  // The same into `out`, reusing its memory when it already has room (a training loop's batch: one
  // allocation for the run instead of one per step).
  void gather_into(const arma::uvec& indices, Tensor& out) const {
    if (!indices.is_empty() && indices.max() >= batch())
      throw Error("Tensor::gather: index " + std::to_string(indices.max()) + " out of range for batch of " +
                  std::to_string(batch()));
    out.shape_ = shape_.with_batch(indices.n_elem);
    out.data_.set_size(data_.n_rows, indices.n_elem);
    const std::size_t rows = data_.n_rows;
    for (std::size_t j = 0; j < indices.n_elem; ++j) std::copy_n(data_.colptr(indices[j]), rows, out.data_.colptr(j));
  }

  // The same tensor with another element type (float <-> double).
  template <typename U>
  Tensor<U> cast() const {
    return Tensor<U>(shape_, arma::conv_to<arma::Mat<U>>::from(data_));
  }

 private:
  std::size_t offset(std::size_t c, std::size_t y, std::size_t x) const {
    return (c * shape_[2] + y) * shape_[3] + x;
  }
  void check_rank4(const char* what) const {
    if (shape_.rank() != 4) throw Error(std::string("Tensor::") + what + ": needs rank 4 (n, c, h, w), got " + shape_.str());
  }
  const Shape& check_reshape(const Shape& shape) const {
    if (shape.batch() != batch() || shape.sample_size() != sample_size())
      throw Error("Tensor::reshaped: cannot view " + shape_.str() + " as " + shape.str());
    return shape;
  }

  Shape shape_;
  arma::Mat<T> data_;
};

// Gives t the shape s, reallocating only when the shape changes (layers reuse their output tensors).
template <typename T>
void ensure_shape(Tensor<T>& t, const Shape& s) {
  if (t.shape() != s) t = Tensor<T>(s);
}

}  // namespace lecon
