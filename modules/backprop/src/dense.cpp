#include "lecon/backprop/dense.hpp"

#include <cmath>
#include <exception>
#include <functional>

#include "lecon/core/parallel.hpp"

namespace lecon {

template <typename T>
Dense<T>::Dense(std::size_t inputs, std::size_t units, Rng& rng) {
  if (inputs == 0 || units == 0) throw Error("Dense: inputs and units must be positive");
  W_.name = "W";
  W_.units = UnitLayout::rows;  // row j: unit j's incoming weights
  W_.value.set_size(units, inputs);
  const T r = static_cast<T>(std::sqrt(6.0 / static_cast<double>(inputs + units)));
  rng.fill_uniform(W_.value, -r, r);
  W_.grad.zeros(units, inputs);
  b_.name = "b";
  b_.value.zeros(units, 1);
  b_.grad.zeros(units, 1);
  b_.decay = false;  // keras and the lecture decay weights, not biases
}

template <typename T>
Shape Dense<T>::output_shape(const Shape& input) const {
  if (input.sample_size() != W_.value.n_cols)
    throw Error("Dense: input " + input.str() + " has " + std::to_string(input.sample_size()) + " values per sample, expected " +
                std::to_string(W_.value.n_cols));
  return Shape{input.batch(), W_.value.n_rows};
}

template <typename T>
void Dense<T>::forward(const Tensor<T>& x, Tensor<T>& y, const Context&) {
  ensure_shape(y, output_shape(x.shape()));
  x_ = &x;
  const SerialIfSmall serial(W_.value.n_elem * x.batch());  // batch 1 (online): no thread pool for a matrix-vector product
  y.matrix() = W_.value * x.matrix();  // one GEMM for the whole batch
  y.matrix().each_col() += b_.value.col(0);
}

namespace {

// Runs parameters() and input() (when there is an input gradient), one after the other or side by side. With
// two threads and products of at least kBlasParallelWork multiply-adds, each thread takes one product whole:
// one parallel region instead of two (each wakes the sleeping second thread, docs/architecture.md), and each
// product at one thread's full speed instead of split. Backward of Dense 512 -> 512 on a batch of 128 (the MNIST
// MLP's second layer): 980-1029 µs side by side against 1334-1385 µs one after the other; 800 -> 500 on 64
// (LeNet's): 894-1127 against 1267-1436 µs (medians of 400, 2 threads, AMD EPYC, 2 cores). With more threads
// each product keeps all of them.
void run_backward(std::size_t multiply_adds, bool with_input, const std::function<void()>& parameters, const std::function<void()>& input) {
  if (!with_input) return parameters();
  if (multiply_adds < kBlasParallelWork || thread_count() != 2 || omp_in_parallel()) {
    parameters();
    input();
    return;
  }
  std::exception_ptr failure = nullptr;
#pragma omp parallel num_threads(2)
  {
    try {
      if (omp_get_thread_num() == 0) parameters();
      else input();
    } catch (...) {
#pragma omp critical(lecon_dense_backward_failure)
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

template <typename T>
void Dense<T>::backward(const Tensor<T>& dy, Tensor<T>* dx) {
  if (x_ == nullptr) throw Error("Dense::backward called before forward");
  const arma::Mat<T>& delta = dy.matrix();
  const std::size_t multiply_adds = W_.value.n_elem * dy.batch();  // each product below has this many
  const SerialIfSmall serial(multiply_adds);
  if (dx != nullptr) ensure_shape(*dx, x_->shape());
  arma::Mat<T> unused;
  arma::Mat<T>& input_gradient = dx != nullptr ? dx->matrix() : unused;
  std::function<void()> parameters, input;  // independent of each other: they may run side by side
  // EXERCISE dense-backward BEGIN
  // [slide: backward pass]  the parameters' gradients: ∂L/∂W = δ xᵀ,  ∂L/∂b = Σ over the batch of δ
  parameters = [&] {
    W_.grad = delta * x_->matrix().t();
    b_.grad = arma::sum(delta, 1);
  };
  // [slide: backward pass]  the input's gradient, for the layer below: ∂L/∂x = Wᵀ δ
  input = [&] { input_gradient = W_.value.t() * delta; };
  // EXERCISE dense-backward END
  run_backward(multiply_adds, dx != nullptr, parameters, input);
}

template <typename T>
std::map<std::string, double> Dense<T>::config() const {
  return {{"inputs", static_cast<double>(W_.value.n_cols)}, {"units", static_cast<double>(W_.value.n_rows)}};
}

template class Dense<float>;
template class Dense<double>;

}  // namespace lecon
