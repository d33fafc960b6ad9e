#pragma once
// The Optimizer interface: one step updates every (parameter, gradient) pair in place.
// The update rules themselves live in modules/optimizers, one per file.
//
// What every optimizer shares sits here:
//  - step(params) counts the step (t = 1 at the first step, as the update equations count), makes sure
//    the state fits the parameters, then calls the rule's update(params);
//  - the learning rate η of the next step: learning_rate() / set_learning_rate(), which is what a
//    learning-rate schedule (modules/optimizers/schedule.hpp) changes between steps or epochs;
//  - the state a rule carries between steps (moments per parameter position, scalars such as Nadam's
//    momentum product), declared by the rule through state_buffers() and state_scalars(), so that
//    save_state / load_state (implemented in model_io.cpp) restore it exactly. That is the optimizer's
//    part of resuming training; the rest of the run (the Rng that shuffles and draws dropout masks, the
//    epoch counter, early stopping's state) is a TrainingState, and a checkpoint saved with it resumes
//    training exactly (save_checkpoint / load_checkpoint in model_io.hpp).
#include <cmath>
#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "lecon/backprop/layer.hpp"
#include "lecon/core/error.hpp"

namespace lecon {

class H5Writer;
class H5Reader;

// How many entries each parameter has, in order: what a rule's update hands to for_each_share
// (lecon/core/parallel.hpp), which runs the whole step as one pass over all of them.
template <typename T>
std::vector<std::size_t> entry_counts(const std::vector<Param<T>*>& params) {
  std::vector<std::size_t> counts;
  counts.reserve(params.size());
  for (const Param<T>* p : params) counts.push_back(p->value.n_elem);
  return counts;
}

template <typename T>
class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // "Adam", "SGD (momentum)", ...: also the name under which the state is saved and checked on loading.
  virtual std::string name() const = 0;

  // One step of the rule. params are the same objects, in the same order, at every step (the state is
  // kept per position); a gradient has the shape of its parameter.
  void step(const std::vector<Param<T>*>& params) {
    fit_state(params);
    ++iterations_;
    update(params);
  }

  // η of the next step. Constructors set the initial value; a schedule sets it between steps or epochs.
  double learning_rate() const { return learning_rate_; }
  void set_learning_rate(double learning_rate) {
    require(learning_rate > 0 && std::isfinite(learning_rate), "learning rate must be positive", learning_rate);
    learning_rate_ = learning_rate;
  }
  // Steps taken so far: t of the update equations during the last step.
  std::size_t iterations() const { return iterations_; }

  // The hyper-parameters other than η ({"momentum": 0.9}, ...): saved with the state and compared on
  // loading, because resuming with other hyper-parameters would not continue the same run.
  virtual std::map<std::string, double> config() const { return {}; }

  // The whole state under `group` of an HDF5 file: attributes name, learning_rate, iterations, the config
  // and the scalar state; one dataset <group>/<buffer>/<position> per state matrix, in T.
  virtual void save_state(H5Writer& file, const std::string& group) const;
  // Replaces this optimizer's state by the one saved under `group`. Throws FileError if it was saved by
  // another rule or with other hyper-parameters. The parameters are checked at the next step (or with
  // check_state_fits) since the file does not hold them.
  virtual void load_state(const H5Reader& file, const std::string& group);
  // Throws Error if the state does not fit these parameters (count and shapes); fine before any state.
  void check_state_fits(const std::vector<Param<T>*>& params) const;

 protected:
  // A rule's constructor sets η with set_learning_rate (which checks it) and checks its other hyper-parameters.
  Optimizer() = default;

  // The rule: update every parameter in place, with t = iterations() (already counted) and η = learning_rate().
  virtual void update(const std::vector<Param<T>*>& params) = 0;

  // A state matrix per parameter position, shaped like its parameter: a moment (m, v, ...).
  struct StateBuffer {
    std::string name;                  // the dataset name in a saved state: "m", "v", "velocity", ...
    std::vector<arma::Mat<T>>* per_parameter;
    double initial = 0;                // its value before the first step
    bool nonnegative = false;          // a mean of squares or a norm: a negative value in a file is corrupt
  };
  virtual std::vector<StateBuffer> state_buffers() { return {}; }
  // Scalars the rule carries from step to step besides t (Nadam's product of momenta), by name.
  virtual std::vector<std::pair<std::string, double*>> state_scalars() { return {}; }

  // Throws OptionError("<name>: <what>, got <value>") unless ok: for checking hyper-parameters.
  void require(bool ok, const std::string& what, double value) const {
    if (!ok) throw OptionError(name() + ": " + what + ", got " + std::to_string(value));
  }
  // The ε of a rule that divides by √v + ε (or u + ε): > 0, also once rounded to T (1e-50 is 0 in float),
  // since a weight whose gradients were all 0 so far would step by 0/0.
  void require_epsilon(double epsilon) const {
    require(epsilon > 0 && static_cast<T>(epsilon) > 0, "epsilon must be > 0 (a weight whose gradients were all 0 would step by 0/0)", epsilon);
  }

 private:
  // Before the first step every state buffer starts at its initial value; afterwards (and after load_state)
  // it must fit the parameters exactly, otherwise the raw-pointer loops of the rules would run off the end.
  void fit_state(const std::vector<Param<T>*>& params) {
    for (const StateBuffer& buffer : state_buffers()) {
      std::vector<arma::Mat<T>>& state = *buffer.per_parameter;
      if (state.empty()) {
        for (const Param<T>* p : params)
          state.emplace_back(arma::size(p->value), arma::fill::value(static_cast<T>(buffer.initial)));
      }
    }
    check_state_fits(params);
    for (const Param<T>* p : params)
      if (arma::size(p->grad) != arma::size(p->value))
        throw Error(name() + ": parameter '" + p->name + "' is " + std::to_string(p->value.n_rows) + "x" + std::to_string(p->value.n_cols) +
                    " but its gradient " + std::to_string(p->grad.n_rows) + "x" + std::to_string(p->grad.n_cols));
  }

  double learning_rate_ = 0;
  std::size_t iterations_ = 0;
};

template <typename T>
void Optimizer<T>::check_state_fits(const std::vector<Param<T>*>& params) const {
  for (const StateBuffer& buffer : const_cast<Optimizer*>(this)->state_buffers()) {  // reads only
    const std::vector<arma::Mat<T>>& state = *buffer.per_parameter;
    if (state.empty()) continue;
    if (state.size() != params.size())
      throw Error(name() + ": state '" + buffer.name + "' holds " + std::to_string(state.size()) + " matrices for " +
                  std::to_string(params.size()) + " parameters (the optimizer steps another model?)");
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (arma::size(state[i]) != arma::size(params[i]->value))
        throw Error(name() + ": parameter " + std::to_string(i) + " '" + params[i]->name + "' is " +
                    std::to_string(params[i]->value.n_rows) + "x" + std::to_string(params[i]->value.n_cols) + " but its state '" +
                    buffer.name + "' is " + std::to_string(state[i].n_rows) + "x" + std::to_string(state[i].n_cols));
    }
  }
}

}  // namespace lecon
