#include "lecon/nnet/objective.hpp"

#include <cmath>

#include "lecon/core/error.hpp"

namespace lecon::nnet {

std::string to_string(Criterion criterion) {
  switch (criterion) {
    case Criterion::least_squares: return "least squares";
    case Criterion::entropy: return "entropy";
    case Criterion::log_likelihood: return "softmax log-likelihood";
  }
  return "?";
}

NnetObjective::NnetObjective(const Architecture& net, OutputUnits units, Criterion criterion, arma::mat x, arma::mat t,
                             double decay)
    : net_(net), units_(units), criterion_(criterion), x_(std::move(x)), t_(std::move(t)), decay_(decay) {
  if (x_.n_rows != net_.inputs)
    throw Error("NnetObjective: x has " + std::to_string(x_.n_rows) + " rows, expected the network's " +
                std::to_string(net_.inputs) + " inputs (one sample per column)");
  if (t_.n_rows != net_.outputs || t_.n_cols != x_.n_cols)
    throw Error("NnetObjective: targets are " + std::to_string(t_.n_rows) + " x " + std::to_string(t_.n_cols) +
                ", expected " + std::to_string(net_.outputs) + " x " + std::to_string(x_.n_cols) +
                " (one column of K targets per sample)");
  if (criterion_ == Criterion::entropy && units_ != OutputUnits::logistic)
    throw Error("NnetObjective: entropy fitting needs logistic output units, not " + to_string(units_));
  if ((criterion_ == Criterion::log_likelihood) != (units_ == OutputUnits::softmax))
    throw Error("NnetObjective: the softmax log-likelihood and softmax output units go together (got " +
                to_string(criterion_) + " with " + to_string(units_) + " units)");
  if (!(decay_ >= 0.0)) throw Error("NnetObjective: decay " + std::to_string(decay_) + ", expected λ >= 0");
  delta_out_.set_size(net_.outputs);
  back_sum_.set_size(net_.hidden_units);
}

void NnetObjective::check_weights(const arma::vec& w) const {
  if (w.n_elem != net_.weight_count())
    throw Error("NnetObjective: " + std::to_string(w.n_elem) + " weights, expected " + std::to_string(net_.weight_count()) +
                " for a " + net_.str() + " network");
}

// [slide: weight decay] λ Σ_i w_i², over every weight (biases too), summed in weight order.
double NnetObjective::decay_term(const arma::vec& w) const {
  check_weights(w);
  double sum = 0.0;
  for (arma::uword i = 0; i < w.n_elem; ++i) sum += decay_ * w[i] * w[i];
  return sum;
}

double NnetObjective::fitting_error(const arma::vec& w) {
  check_weights(w);
  double total = 0.0;  // R adds each output's term straight into this running sum
  for (arma::uword n = 0; n < x_.n_cols; ++n) {
    forward(net_, units_, w, x_.colptr(n), a_);
    const double* t = t_.colptr(n);
    for (std::size_t k = 0; k < net_.outputs; ++k) {
      const double y = a_.output[k];
      switch (criterion_) {
        case Criterion::least_squares: {
          // [slide: least squares] E = Σ_k (y_k - t_k)²
          const double difference = y - t[k];
          total += difference * difference;
          break;
        }
        case Criterion::entropy: {
          // [slide: entropy] E = -Σ_k [t_k log(y_k / t_k) + (1 - t_k) log((1 - y_k) / (1 - t_k))];
          // R adds 1e-80 inside the logarithms so that y = 0 or 1 gives a large but finite error.
          constexpr double tiny = 1e-80;
          double e = 0.0;
          if (t[k] > 0) e -= t[k] * std::log((y + tiny) / t[k]);
          if (t[k] < 1) e -= (1 - t[k]) * std::log((1 - y + tiny) / (1 - t[k]));
          total += e;
          break;
        }
        case Criterion::log_likelihood:
          // [slide: softmax] E = -Σ_k t_k log p_k  (R charges 1000 for a target class of probability 0)
          if (t[k] > 0) {
            if (a_.probability[k] > 0)
              total -= t[k] * std::log(a_.probability[k]);
            else
              total += 1000;
          }
          break;
      }
    }
  }
  return total;
}

double NnetObjective::evaluate(const arma::vec& w) {
  // [slide: weight decay] f(w) = Σ_n E_n + λ Σ_i w_i²
  const double error = fitting_error(w);
  return error + decay_term(w);
}

void NnetObjective::gradient(const arma::vec& w, arma::vec& g) {
  check_weights(w);
  g.set_size(w.n_elem);
  // [slide: weight decay] ∂(λ Σ w²)/∂w_i = 2 λ w_i
  for (arma::uword i = 0; i < w.n_elem; ++i) g[i] = 2 * decay_ * w[i];
  for (arma::uword n = 0; n < x_.n_cols; ++n) {
    forward(net_, units_, w, x_.colptr(n), a_);
    add_sample_gradient(x_.colptr(n), t_.colptr(n), w, g);
  }
}

void NnetObjective::add_sample_gradient(const double* x, const double* t, const arma::vec& w, arma::vec& g) {
  const std::size_t p = net_.inputs, S = net_.hidden_units, K = net_.outputs;
  // [slide: backpropagation] output deltas δ_k = ∂E/∂a_k
  // EXERCISE nnet-output-deltas BEGIN
  switch (criterion_) {
    case Criterion::log_likelihood: {
      // softmax: δ_k = p_k Σ_l t_l - t_k  (= p_k - t_k for targets summing to 1)
      double target_sum = 0.0;
      for (std::size_t k = 0; k < K; ++k) target_sum += t[k];
      for (std::size_t k = 0; k < K; ++k) delta_out_[k] = target_sum * a_.probability[k] - t[k];
      break;
    }
    case Criterion::entropy:
      // logistic unit with entropy: δ_k = y_k - t_k  (σ' cancels against the criterion's 1/(y(1-y)))
      for (std::size_t k = 0; k < K; ++k) delta_out_[k] = a_.output[k] - t[k];
      break;
    case Criterion::least_squares:
      // δ_k = 2 (y_k - t_k), times σ'(a_k) = y_k (1 - y_k) for a logistic unit
      for (std::size_t k = 0; k < K; ++k) {
        delta_out_[k] = 2 * (a_.output[k] - t[k]);
        if (units_ == OutputUnits::logistic) delta_out_[k] *= a_.output[k] * (1.0 - a_.output[k]);
      }
      break;
  }
  // EXERCISE nnet-output-deltas END
  // EXERCISE nnet-hidden-deltas BEGIN
  // [slide: backpropagation] output weights: ∂E/∂W_k0 = δ_k, ∂E/∂W_kj = δ_k h_j, ∂E/∂V_ki = δ_k x_i;
  // and the sum that flows back to hidden unit j, Σ_k δ_k W_kj (R runs k from the last unit down).
  back_sum_.zeros();
  for (std::size_t k = K; k-- > 0;) {
    const std::size_t offset = net_.output_offset(k);
    const double delta = delta_out_[k];
    g[offset] += delta;
    for (std::size_t j = 0; j < S; ++j) {
      back_sum_[j] += delta * w[offset + 1 + j];
      g[offset + 1 + j] += delta * a_.hidden[j];
    }
    if (net_.skip)
      for (std::size_t i = 0; i < p; ++i) g[offset + 1 + S + i] += delta * x[i];
  }
  // [slide: backpropagation] hidden deltas δ_j = σ'(·) Σ_k δ_k W_kj with σ' = h_j (1 - h_j);
  // ∂E/∂w_j0 = δ_j, ∂E/∂w_ji = δ_j x_i
  for (std::size_t j = S; j-- > 0;) {
    const std::size_t offset = net_.hidden_offset(j);
    const double delta = back_sum_[j] * (a_.hidden[j] * (1.0 - a_.hidden[j]));
    g[offset] += delta;
    for (std::size_t i = 0; i < p; ++i) g[offset + 1 + i] += delta * x[i];
  }
  // EXERCISE nnet-hidden-deltas END
}

}  // namespace lecon::nnet
