#pragma once
// Learning-rate schedules: η_t as a function of the step (or epoch) t = 0, 1, 2, ...
//
// A schedule is any callable double(std::size_t t); the four of the lecture are small value classes
// below. Every optimizer holds the η of its next step (Optimizer::learning_rate()), so a schedule works
// with every rule the same way:
//   - in a hand-written loop:  optimizer.set_learning_rate(schedule(t));  optimizer.step(params);
//   - in fit: a LearningRateScheduler observer sets η before every step (ScheduleUnit::step, t = the
//     optimizer's step count, which a checkpoint saves, so a resumed run continues its schedule) or at
//     the start of every epoch (ScheduleUnit::epoch, t = epoch). A run resumed through a TrainingState
//     (model_io.hpp) numbers its epochs from the run's start, so first_epoch stays 0; pass first_epoch
//     only when a fit without a TrainingState continues a run by hand.
//
// [slide: convergence of SGD]  SGD converges (Robbins & Monro) when Σ_t η_t = ∞ and Σ_t η_t² < ∞:
// the steps must reach arbitrarily far, but their noise must die out. Of the four schedules only 1/t
// decay satisfies both (Σ 1/t diverges, Σ 1/t² = π²/6 converges). A constant η has Σ η² = ∞ (SGD keeps
// rattling around the minimum with noise proportional to η); step and exponential decay are geometric,
// Σ η_t < ∞, so the steps stop before they can reach a far minimum. In practice all four are used.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <string>
#include <utility>

#include "lecon/backprop/optimizer.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/core/error.hpp"

namespace lecon {

// Step and exponential decay are geometric, and a long run takes them below the smallest double: 0.1 · 0.5^t is 0
// from t = 1,072 on and 0.1 · e^-t from t = 743. The optimizers refuse η = 0 (set_learning_rate), so a run with
// StepDecay(0.1, 0.5, 1) per step stopped with an error at step 1,072 instead of going on with the vanishing steps
// its schedule asks for. These schedules stay at the smallest positive normal double instead (2.2e-308: a step
// of 0 in float and of at most 2.2e-308 |g| in double).
inline double at_least_smallest_positive(double rate) { return std::max(rate, std::numeric_limits<double>::min()); }

// [book: Goodfellow, Bengio & Courville 2016, §8.3.1]  constant:  η_t = η0
struct ConstantLearningRate {
  explicit ConstantLearningRate(double initial) : initial_rate(initial) {
    if (!(initial > 0 && std::isfinite(initial)))
      throw OptionError("ConstantLearningRate: the learning rate must be positive, got " + std::to_string(initial));
  }
  double operator()(std::size_t) const { return initial_rate; }
  double initial_rate;
};

// [book: Goodfellow, Bengio & Courville 2016, §8.3.1]  step decay:  η_t = η0 · γ^⌊t / k⌋   (multiplied by γ every k steps or epochs)
struct StepDecay {
  StepDecay(double initial, double factor, std::size_t every) : initial_rate(initial), drop(factor), period(every) {
    if (!(initial > 0 && std::isfinite(initial))) throw OptionError("StepDecay: the learning rate must be positive, got " + std::to_string(initial));
    if (!(factor > 0 && factor <= 1)) throw OptionError("StepDecay: the drop factor must be in (0, 1], got " + std::to_string(factor));
    if (every == 0) throw OptionError("StepDecay: the period must be at least 1 step or epoch");
  }
  double operator()(std::size_t t) const {
    return at_least_smallest_positive(initial_rate * std::pow(drop, static_cast<double>(t / period)));
  }
  double initial_rate, drop;
  std::size_t period;
};

// [book: Goodfellow, Bengio & Courville 2016, §8.3.1]  exponential decay:  η_t = η0 · e^(-k t)
// (keras' ExponentialDecay(η0, decay_steps, decay_rate) is k = -ln(decay_rate) / decay_steps.)
struct ExponentialDecay {
  ExponentialDecay(double initial, double rate) : initial_rate(initial), k(rate) {
    if (!(initial > 0 && std::isfinite(initial)))
      throw OptionError("ExponentialDecay: the learning rate must be positive, got " + std::to_string(initial));
    if (!(rate >= 0 && std::isfinite(rate))) throw OptionError("ExponentialDecay: the decay rate k must be >= 0, got " + std::to_string(rate));
  }
  double operator()(std::size_t t) const { return at_least_smallest_positive(initial_rate * std::exp(-k * static_cast<double>(t))); }
  double initial_rate, k;
};

// [book: Goodfellow, Bengio & Courville 2016, §8.3.1]  1/t decay:  η_t = η0 / (1 + k t)
// keras 2's `decay` argument of every optimizer (applied per step) and keras' InverseTimeDecay; the only
// one of the four with Σ η_t = ∞ and Σ η_t² < ∞ (for k > 0).
struct InverseTimeDecay {
  InverseTimeDecay(double initial, double rate) : initial_rate(initial), k(rate) {
    if (!(initial > 0 && std::isfinite(initial)))
      throw OptionError("InverseTimeDecay: the learning rate must be positive, got " + std::to_string(initial));
    if (!(rate >= 0 && std::isfinite(rate))) throw OptionError("InverseTimeDecay: the decay rate k must be >= 0, got " + std::to_string(rate));
  }
  double operator()(std::size_t t) const { return initial_rate / (1 + k * static_cast<double>(t)); }
  double initial_rate, k;
};

using LearningRateSchedule = std::function<double(std::size_t)>;

enum class ScheduleUnit { step, epoch };

// Applies a schedule to an optimizer during fit (keras' LearningRateScheduler callback, per epoch or per step):
// Compiled example (tests/docs/header_examples.cpp):
//   LearningRateScheduler<float> schedule(adam, InverseTimeDecay(0.01, 1e-3), ScheduleUnit::step);
//   fit(model, loss, adam, x, y, options, rng, {&schedule});
// Per epoch, η = schedule(first_epoch) is set at construction and schedule(first_epoch + e) at the start of
// epoch e. Per step, η = schedule(optimizer.iterations()) is set just before every step.
template <typename T>
class LearningRateScheduler : public TrainingObserver<T> {
 public:
  LearningRateScheduler(Optimizer<T>& optimizer, LearningRateSchedule schedule, ScheduleUnit unit = ScheduleUnit::epoch,
                        std::size_t first_epoch = 0)
      : optimizer_(optimizer), schedule_(std::move(schedule)), unit_(unit), first_epoch_(first_epoch) {
    if (!schedule_) throw OptionError("LearningRateScheduler: no schedule given");
    optimizer_.set_learning_rate(schedule_(unit_ == ScheduleUnit::step ? optimizer_.iterations() : first_epoch_));
  }
  void after_backward(const std::vector<Param<T>*>&) override {
    if (unit_ == ScheduleUnit::step) optimizer_.set_learning_rate(schedule_(optimizer_.iterations()));
  }
  bool on_epoch_end(std::size_t epoch, const History&) override {
    if (unit_ == ScheduleUnit::epoch) optimizer_.set_learning_rate(schedule_(first_epoch_ + epoch + 1));
    return false;
  }

 private:
  Optimizer<T>& optimizer_;
  LearningRateSchedule schedule_;
  ScheduleUnit unit_;
  std::size_t first_epoch_;
};

}  // namespace lecon
