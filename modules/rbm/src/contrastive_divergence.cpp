#include "lecon/rbm/contrastive_divergence.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <utility>

#include "lecon/core/blas.hpp"
#include "lecon/core/error.hpp"
#include "lecon/core/parallel.hpp"

namespace lecon {
namespace {

std::string text_of(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

void require_learning_rate(const char* option, double value) {
  if (!(value > 0 && std::isfinite(value))) throw OptionError(std::string(option) + ": expected a finite number > 0, got " + text_of(value));
}

void require_momentum(const char* option, double value) {
  if (!(value >= 0 && value < 1)) throw OptionError(std::string(option) + ": expected a number in [0, 1), got " + text_of(value));
}

}  // namespace

void RbmTrainingOptions::validate() const {
  if (epochs == 0) throw OptionError("epochs: expected at least 1 epoch, got 0");
  if (batch_size == 0) throw OptionError("batch_size: expected at least 1 example per mini-batch, got 0");
  if (cd_steps == 0) throw OptionError("cd_steps: expected at least 1 Gibbs step (the k of CD-k), got 0");
  require_learning_rate("learning_rate_weights", learning_rate_weights);
  require_learning_rate("learning_rate_visible_biases", learning_rate_visible_biases);
  require_learning_rate("learning_rate_hidden_biases", learning_rate_hidden_biases);
  require_momentum("initial_momentum", initial_momentum);
  require_momentum("final_momentum", final_momentum);
  if (!(final_learning_rate_factor > 0 && final_learning_rate_factor <= 1))
    throw OptionError("final_learning_rate_factor: expected a number in (0, 1], got " + text_of(final_learning_rate_factor));
  if (!(weight_cost >= 0 && std::isfinite(weight_cost))) throw OptionError("weight_cost: expected a finite number >= 0, got " + text_of(weight_cost));
  if (monitor_examples == 0) throw OptionError("monitor_examples: expected at least 1 example, got 0");
}

RbmTrainingOptions hinton_salakhutdinov_2006_options(UnitKind hidden, std::size_t epochs) {
  RbmTrainingOptions options;
  options.epochs = epochs;
  if (hidden == UnitKind::gaussian) {
    // [paper: Hinton & Salakhutdinov 2006]  "the learning rate was 0.001" for the linear code layer
    options.learning_rate_weights = options.learning_rate_visible_biases = options.learning_rate_hidden_biases = 0.001;
  }
  return options;
}

template <typename T>
ContrastiveDivergence<T>::ContrastiveDivergence(Rbm<T>& rbm, const RbmTrainingOptions& options)
    : rbm_(rbm),
      options_((options.validate(), options)),
      momentum_(options.initial_momentum),
      rate_weights_(options.learning_rate_weights),
      rate_visible_(options.learning_rate_visible_biases),
      rate_hidden_(options.learning_rate_hidden_biases),
      cd_steps_(options.cd_steps) {}

std::size_t cd_steps_in_epoch(const RbmTrainingOptions& options, std::size_t epoch) {
  if (options.cd_steps_increase_every == 0) return options.cd_steps;
  return std::min(options.cd_steps, 1 + epoch / options.cd_steps_increase_every);
}

template <typename T>
void ContrastiveDivergence<T>::set_cd_steps(std::size_t k) {
  if (k == 0) throw OptionError("cd_steps: expected at least 1 Gibbs step (the k of CD-k), got 0");
  cd_steps_ = k;
}

template <typename T>
void ContrastiveDivergence<T>::set_momentum(double momentum) {
  require_momentum("momentum", momentum);
  momentum_ = momentum;
}

template <typename T>
void ContrastiveDivergence<T>::set_learning_rate_factor(double factor) {
  if (!(factor > 0 && factor <= 1)) throw OptionError("learning rate factor: expected a number in (0, 1], got " + text_of(factor));
  rate_weights_ = options_.learning_rate_weights * factor;
  rate_visible_ = options_.learning_rate_visible_biases * factor;
  rate_hidden_ = options_.learning_rate_hidden_biases * factor;
}

namespace {

// The columns [first, last) of a matrix, as a matrix over the same memory (a block of whole
// columns is contiguous in column-major storage): Armadillo's products write into it without a copy.
template <typename T>
arma::Mat<T> columns_in_place(const arma::Mat<T>& M, std::size_t first, std::size_t last) {
  return arma::Mat<T>(const_cast<T*>(M.colptr(first)), M.n_rows, last - first, false, true);
}

// Thread t's share [first, last) of n items split into `threads` nearly equal blocks.
std::pair<std::size_t, std::size_t> share(std::size_t n, int t, int threads) {
  return {n * static_cast<std::size_t>(t) / static_cast<std::size_t>(threads), n * static_cast<std::size_t>(t + 1) / static_cast<std::size_t>(threads)};
}

// [paper: Hinton 2010, §9]  v <- μ v − ε g,  θ <- θ + v over count values (SGD's rule, lecon/optimizers/sgd.hpp)
template <typename T>
void momentum_step(T* theta, const T* g, T* v, std::size_t count, T mu, T epsilon) {
#pragma omp simd
  for (std::size_t k = 0; k < count; ++k) {
    v[k] = mu * v[k] - epsilon * g[k];
    theta[k] += v[k];
  }
}

}  // namespace

template <typename T>
void ContrastiveDivergence<T>::gradient(const arma::Mat<T>& V0, Rng& rng) {
  statistics(V0, rng, false);
}

template <typename T>
void ContrastiveDivergence<T>::step(const arma::Mat<T>& V0, Rng& rng) {
  statistics(V0, rng, true);
}

// One update's statistics in ONE parallel region. With the passive wait policy (lecon/core/parallel.hpp) each
// region or barrier costs a sleeping thread's wake-up, 60-90 µs on a shared virtual machine; a CD-1 step made
// of Armadillo calls opened about a dozen (four products, three σ passes, the sampling, the sums) and ran at
// 2 threads hardly faster than at 1. Here each thread runs the Gibbs chains of its own block of examples
// (chains are independent; its products run on the calling thread), then, after one barrier, the gradient of
// its own block of visible units and, for step(), their update. The random draws are those of the whole batch
// (keys drawn first, in the order the steps use them; each column has its own generator): any thread count
// gives the same samples.
template <typename T>
void ContrastiveDivergence<T>::statistics(const arma::Mat<T>& V0, Rng& rng, bool update) {
  const std::size_t d = rbm_.visible_units(), m = rbm_.hidden_units(), n = V0.n_cols;
  if (V0.n_rows != d) throw Error("ContrastiveDivergence: " + std::to_string(V0.n_rows) + " visible values per example, expected " + std::to_string(d));
  if (n == 0) throw Error("ContrastiveDivergence: an empty mini-batch");
  const T inverse_n = T(1) / static_cast<T>(n);
  V_.set_size(d, 2 * n);
  H_.set_size(m, 2 * n);
  const bool persistent = options_.persistent, sample_visible = persistent || options_.sample_visible;
  if (persistent && (chains_.n_rows != d || chains_.n_cols != n)) chains_ = V0;  // the chains start at the first mini-batch
  keys_.clear();
  for (std::size_t step = 0; step < cd_steps_; ++step) {
    keys_.push_back(rng.next_u64());                       // h ~ p(h | v)
    if (sample_visible) keys_.push_back(rng.next_u64());   // v ~ p(v | h)
  }
  Param<T>& W = rbm_.W();
  W.grad.set_size(m, d);
  rbm_.visible_bias().grad.set_size(d, 1);
  rbm_.hidden_bias().grad.set_size(m, 1);
  const T cost = update ? static_cast<T>(options_.weight_cost) : T(0);  // gradient() leaves the weight cost out
  const T mu = static_cast<T>(momentum_);
  if (update && velocity_weights_.n_elem != W.value.n_elem) {
    velocity_weights_.zeros(m, d);
    velocity_visible_.zeros(d, 1);
    velocity_hidden_.zeros(m, 1);
  }

  // 2k + 3 products of m·d·n multiply-adds: two per Gibbs step, the data's p(h | v), and the gradient (inner dimension 2n)
  const std::size_t work = (2 * cd_steps_ + 3) * m * d * n;
  const int threads = work >= kBlasParallelWork ? std::min<int>(thread_count(), static_cast<int>(n)) : 1;
  std::exception_ptr failure = nullptr;
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num(), team = omp_get_num_threads();
    try {
      // The chains of examples [first, last)
      const auto [first, last] = share(n, t, team);
      if (last > first) {
        const arma::Mat<T> data = columns_in_place(V0, first, last);
        arma::Mat<T> v_data = columns_in_place(V_, first, last), h_data = columns_in_place(H_, first, last);
        arma::Mat<T> v_model = columns_in_place(V_, n + first, n + last), h_model = columns_in_place(H_, n + first, n + last);
        std::copy(data.begin(), data.end(), v_data.begin());
        // Positive phase, driven by the data:  p(h | v⁰)  (probabilities, not states, in the statistics: §3)
        rbm_.hidden_means(data, h_data);
        // Negative phase: k steps of block Gibbs sampling  h ~ p(h | v), v ~ p(v | h), from the data (CD) or
        // from the persistent chains (PCD, [paper: Tieleman 2008]).
        if (persistent) rbm_.hidden_means(columns_in_place(chains_, first, last), h_model);
        else std::copy(h_data.begin(), h_data.end(), h_model.begin());
        std::size_t key = 0;
        for (std::size_t step = 0; step < cd_steps_; ++step) {
          rbm_.sample_hidden(h_model, h_model, keys_[key++], first);  // [paper: Hinton 2010, §3] data-driven hidden units: binary states
          rbm_.visible_means(h_model, v_model);
          if (sample_visible) rbm_.sample_visible(v_model, v_model, keys_[key++], first);
          rbm_.hidden_means(v_model, h_model);
        }
        if (persistent) {
          arma::Mat<T> chains = columns_in_place(chains_, first, last);
          std::copy(v_model.begin(), v_model.end(), chains.begin());
        }
        h_data *= -inverse_n;
        h_model *= inverse_n;
      }
    } catch (...) {
#pragma omp critical(lecon_cd_failure)
      if (!failure) failure = std::current_exception();
    }
#pragma omp barrier
    try {
      // The gradient of visible units [first, last): columns of W, entries of b.
      const auto [first, last] = share(d, t, team);
      // [paper: Hinton 2002]  −∂ log p / ∂W ≈ −(⟨h vᵀ⟩_data − ⟨h vᵀ⟩_k) / n: both terms in ONE product,
      // [−H⁰/n | Hᵏ/n] [V⁰ | Vᵏ]ᵀ, here its columns [first, last)
      gemm(false, true, m, last - first, 2 * n, T(1), H_.memptr(), m, V_.memptr() + first, d, T(0), W.grad.colptr(first), m);
      // [paper: Hinton 2010, §10]  weight cost: the gradient of λ‖W‖²/2 joins W's gradient (biases have none)
      if (cost > 0) {
        T* g = W.grad.colptr(first);
        const T* w = W.value.colptr(first);
        const std::size_t count = (last - first) * m;
#pragma omp simd
        for (std::size_t k = 0; k < count; ++k) g[k] += cost * w[k];
      }
      // −∂ log p / ∂b = −(⟨v⟩_data − ⟨v⟩_k)
      T* gb = rbm_.visible_bias().grad.memptr();
      std::fill(gb + first, gb + last, T(0));
      for (std::size_t i = 0; i < n; ++i) {
        const T* v_data = V_.colptr(i) + first;
        const T* v_model = V_.colptr(n + i) + first;
        for (std::size_t j = 0; j < last - first; ++j) gb[first + j] += v_model[j] - v_data[j];
      }
      for (std::size_t j = first; j < last; ++j) gb[j] *= inverse_n;
      if (update) {
        momentum_step(W.value.colptr(first), W.grad.colptr(first), velocity_weights_.colptr(first), (last - first) * m, mu, static_cast<T>(rate_weights_));
        momentum_step(rbm_.visible_bias().value.memptr() + first, gb + first, velocity_visible_.memptr() + first, last - first, mu,
                      static_cast<T>(rate_visible_));
      }
      // −∂ log p / ∂c = −(⟨h⟩_data − ⟨h⟩_k): H_ holds −h⁰/n and hᵏ/n, so the sum of its columns
      const auto [first_hidden, last_hidden] = share(m, t, team);
      T* gc = rbm_.hidden_bias().grad.memptr();
      std::fill(gc + first_hidden, gc + last_hidden, T(0));
      for (std::size_t i = 0; i < 2 * n; ++i) {
        const T* h = H_.colptr(i);
        for (std::size_t j = first_hidden; j < last_hidden; ++j) gc[j] += h[j];
      }
      if (update)
        momentum_step(rbm_.hidden_bias().value.memptr() + first_hidden, gc + first_hidden, velocity_hidden_.memptr() + first_hidden,
                      last_hidden - first_hidden, mu, static_cast<T>(rate_hidden_));
    } catch (...) {
#pragma omp critical(lecon_cd_failure)
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
}

template <typename T>
double reconstruction_error(const Rbm<T>& rbm, const arma::Mat<T>& V) {
  if (V.n_cols == 0) return 0;
  arma::Mat<T> H, R;
  rbm.hidden_means(V, H);
  rbm.visible_means(H, R);
  return arma::accu(arma::square(arma::conv_to<arma::mat>::from(V) - arma::conv_to<arma::mat>::from(R))) / static_cast<double>(V.n_cols);
}

template <typename T>
arma::Mat<T> presented_batch(const Rbm<T>& rbm, const arma::Mat<T>& X, const arma::uvec& cols, const RbmTrainingOptions& options, Rng& rng) {
  arma::Mat<T> batch = X.cols(cols);
  // v ~ Bernoulli(x): a fresh binary sample of the grey images, drawn as the model's visible units are
  if (options.binarise_each_presentation) rbm.sample_visible(batch, batch, rng);
  return batch;
}

template <typename T>
RbmHistory train_rbm(Rbm<T>& rbm, const Tensor<T>& x, const RbmTrainingOptions& options, Rng& rng, const Tensor<T>* held_out,
                     const RbmEpochCallback& after_epoch) {
  options.validate();
  const std::size_t d = rbm.visible_units();
  if (x.sample_size() != d) throw Error("train_rbm: examples of " + std::to_string(x.sample_size()) + " values, the RBM has " + std::to_string(d) + " visible units");
  if (x.batch() == 0) throw Error("train_rbm: no training examples");
  if (options.binarise_each_presentation && rbm.visible_kind() != UnitKind::bernoulli)
    throw OptionError("binarise_each_presentation: needs Bernoulli visible units (the data are read as their probabilities)");
  if (held_out != nullptr && held_out->sample_size() != d)
    throw Error("train_rbm: held-out examples of " + std::to_string(held_out->sample_size()) + " values, the RBM has " + std::to_string(d) + " visible units");
  if (!x.matrix().is_finite()) throw Error("train_rbm: the training examples hold NaN or infinite values");
  if (held_out != nullptr && !held_out->matrix().is_finite()) throw Error("train_rbm: the held-out examples hold NaN or infinite values");
  const arma::Mat<T>& X = x.matrix();
  const std::size_t n = X.n_cols;
  const arma::Mat<T> train_subset = X.cols(0, std::min(n, options.monitor_examples) - 1);
  arma::Mat<T> held_subset;
  if (held_out != nullptr && held_out->batch() > 0) held_subset = held_out->matrix().cols(0, std::min(held_out->batch(), options.monitor_examples) - 1);

  ContrastiveDivergence<T> cd(rbm, options);
  RbmHistory history;
  for (std::size_t epoch = 0; epoch < options.epochs; ++epoch) {
    // [paper: Hinton 2010, §9]  a small momentum while the weights settle, then a large one
    cd.set_momentum(epoch < options.momentum_switch_epoch ? options.initial_momentum : options.final_momentum);
    // ε_e = ε (1 − (1 − f) e / (E − 1)) / k_e: linear annealing to f ε in the last epoch (f = 1: constant),
    // divided by k_e when k is raised during training (k_e = cd_steps otherwise, and ε is not divided)
    const std::size_t k = cd_steps_in_epoch(options, epoch);
    cd.set_cd_steps(k);
    double factor = options.epochs > 1 ? 1 - (1 - options.final_learning_rate_factor) * static_cast<double>(epoch) / static_cast<double>(options.epochs - 1) : 1;
    if (options.cd_steps_increase_every > 0) factor /= static_cast<double>(k);
    cd.set_learning_rate_factor(factor);
    const auto start = std::chrono::steady_clock::now();
    const arma::uvec order = rng.permutation(n);
    for (std::size_t first = 0; first < n; first += options.batch_size) {
      const std::size_t last = std::min(n, first + options.batch_size) - 1;
      cd.step(presented_batch(rbm, X, order.subvec(first, last), options, rng), rng);
    }
    history.seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    history.reconstruction_error.push_back(reconstruction_error(rbm, train_subset));
    // A learning rate too high for the units (linear units are not bounded) makes the weights blow up; say so
    // rather than hand back NaN weights and monitors.
    if (!std::isfinite(history.reconstruction_error.back()) || !rbm.W_value().is_finite())
      throw Error("train_rbm: the weights diverged in epoch " + std::to_string(epoch + 1) + " (reconstruction error " +
                  std::to_string(history.reconstruction_error.back()) + "); expected a smaller learning rate, e.g. 0.001 for linear units");
    if (!held_subset.empty()) {
      history.held_out_reconstruction_error.push_back(reconstruction_error(rbm, held_subset));
      // [paper: Hinton 2010, §6]  the free-energy gap: held-out minus training
      history.free_energy_gap.push_back(arma::mean(rbm.free_energy(held_subset)) - arma::mean(rbm.free_energy(train_subset)));
    }
    if (after_epoch) after_epoch(epoch, history);
  }
  return history;
}

template class ContrastiveDivergence<float>;
template class ContrastiveDivergence<double>;
template arma::Mat<float> presented_batch<float>(const Rbm<float>&, const arma::Mat<float>&, const arma::uvec&, const RbmTrainingOptions&, Rng&);
template arma::Mat<double> presented_batch<double>(const Rbm<double>&, const arma::Mat<double>&, const arma::uvec&, const RbmTrainingOptions&, Rng&);
template double reconstruction_error<float>(const Rbm<float>&, const arma::Mat<float>&);
template double reconstruction_error<double>(const Rbm<double>&, const arma::Mat<double>&);
template RbmHistory train_rbm<float>(Rbm<float>&, const Tensor<float>&, const RbmTrainingOptions&, Rng&, const Tensor<float>*, const RbmEpochCallback&);
template RbmHistory train_rbm<double>(Rbm<double>&, const Tensor<double>&, const RbmTrainingOptions&, Rng&, const Tensor<double>*, const RbmEpochCallback&);

}  // namespace lecon
