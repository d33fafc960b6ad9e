#pragma once
// The Optimizer interface: one step updates every (parameter, gradient) pair in place.
// The update rules themselves live in modules/optimizers, one per file.
#include <string>
#include <vector>

#include "lecon/backprop/layer.hpp"

namespace lecon {

template <typename T>
class Optimizer {
 public:
  virtual ~Optimizer() = default;
  virtual std::string name() const = 0;
  // params are the same objects, in the same order, at every step (state is kept per position).
  virtual void step(const std::vector<Param<T>*>& params) = 0;
};

}  // namespace lecon
