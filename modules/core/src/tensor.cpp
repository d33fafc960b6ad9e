#include "lecon/core/tensor.hpp"

#include <sstream>

namespace lecon {

Shape::Shape(std::initializer_list<std::size_t> dims) {
  if (dims.size() < 1 || dims.size() > 4)
    throw Error("Shape: rank must be 1 to 4, got " + std::to_string(dims.size()));
  rank_ = dims.size();
  std::size_t axis = 0;
  for (std::size_t d : dims) dims_[axis++] = d;
  check_size();
}

void Shape::check_size() const {
  // Non-zero dimensions only: (0, 65536, 65536, 65536) holds nothing, yet its sample size would wrap.
  std::size_t elements = 1;
  for (std::size_t axis = 0; axis < 4; ++axis) {
    const std::size_t d = dims_[axis];
    if (d == 0) continue;
    if (d > kMaxTensorElements || elements > kMaxTensorElements / d)
      throw Error("shape " + str() + " holds more than 2^31 elements, lecon's limit for one tensor");
    elements *= d;
  }
}

std::size_t Shape::operator[](std::size_t axis) const {
  if (axis >= 4) throw Error("Shape: axis " + std::to_string(axis) + " out of range");
  return dims_[axis];  // axes past the rank read as 1
}

std::size_t Shape::sample_size() const { return dims_[1] * dims_[2] * dims_[3]; }

Shape Shape::with_batch(std::size_t n) const {
  Shape s = *this;
  s.dims_[0] = n;
  s.check_size();
  return s;
}

std::string Shape::str() const {
  std::ostringstream os;
  os << '(';
  for (std::size_t axis = 0; axis < rank_; ++axis) os << (axis ? ", " : "") << dims_[axis];
  os << ')';
  return os.str();
}

std::string Shape::sample_str() const {
  std::ostringstream os;
  os << '(';
  for (std::size_t axis = 1; axis < rank_; ++axis) os << (axis > 1 ? ", " : "") << dims_[axis];
  os << ')';
  return os.str();
}

bool Shape::operator==(const Shape& other) const { return rank_ == other.rank_ && dims_ == other.dims_; }

}  // namespace lecon
