#include "lecon/nnet/network.hpp"

#include <cmath>

#include "lecon/core/error.hpp"

namespace lecon::nnet {

std::string to_string(OutputUnits units) {
  switch (units) {
    case OutputUnits::logistic: return "logistic";
    case OutputUnits::linear: return "linear";
    case OutputUnits::softmax: return "softmax";
  }
  return "?";
}

std::string Architecture::str() const {
  return std::to_string(inputs) + "-" + std::to_string(hidden_units) + "-" + std::to_string(outputs);
}

std::vector<std::string> Architecture::weight_names() const {
  std::vector<std::string> names;
  names.reserve(weight_count());
  const auto input = [](std::size_t i) { return "i" + std::to_string(i + 1); };
  const auto hidden = [](std::size_t j) { return "h" + std::to_string(j + 1); };
  const auto output = [this](std::size_t k) { return outputs == 1 ? std::string("o") : "o" + std::to_string(k + 1); };
  for (std::size_t j = 0; j < hidden_units; ++j) {
    names.push_back("b->" + hidden(j));
    for (std::size_t i = 0; i < inputs; ++i) names.push_back(input(i) + "->" + hidden(j));
  }
  for (std::size_t k = 0; k < outputs; ++k) {
    names.push_back("b->" + output(k));
    for (std::size_t j = 0; j < hidden_units; ++j) names.push_back(hidden(j) + "->" + output(k));
    if (skip)
      for (std::size_t i = 0; i < inputs; ++i) names.push_back(input(i) + "->" + output(k));
  }
  return names;
}

double logistic(double a) {
  if (a < -15.0) return 0.0;
  if (a > 15.0) return 1.0;
  return 1.0 / (1.0 + std::exp(-a));
}

void forward(const Architecture& net, OutputUnits units, const arma::vec& w, const double* x, Activations& a) {
  const std::size_t p = net.inputs, S = net.hidden_units, K = net.outputs;
  a.hidden.set_size(S);
  a.output.set_size(K);
  // [slide: the artificial neuron] h_j = σ(w_j0 + Σ_i w_ji x_i): bias first, then the inputs in order (R's order)
  for (std::size_t j = 0; j < S; ++j) {
    const double* wj = w.memptr() + net.hidden_offset(j);
    double sum = wj[0];
    for (std::size_t i = 0; i < p; ++i) sum += x[i] * wj[1 + i];
    a.hidden[j] = logistic(sum);
  }
  // [slide: one hidden layer] a_k = W_k0 + Σ_j W_kj h_j + Σ_i V_ki x_i (the last sum with skip only)
  for (std::size_t k = 0; k < K; ++k) {
    const double* wk = w.memptr() + net.output_offset(k);
    double sum = wk[0];
    for (std::size_t j = 0; j < S; ++j) sum += a.hidden[j] * wk[1 + j];
    if (net.skip)
      for (std::size_t i = 0; i < p; ++i) sum += x[i] * wk[1 + S + i];
    a.output[k] = units == OutputUnits::logistic ? logistic(sum) : sum;
  }
  if (units != OutputUnits::softmax) return;
  // [slide: softmax] p_k = e^{a_k - m} / Σ_l e^{a_l - m},  m = max_l a_l
  a.probability.set_size(K);
  double largest = a.output[0];
  for (std::size_t k = 1; k < K; ++k)
    if (a.output[k] > largest) largest = a.output[k];
  double total = 0.0;
  for (std::size_t k = 0; k < K; ++k) {
    a.probability[k] = std::exp(a.output[k] - largest);
    total += a.probability[k];
  }
  for (std::size_t k = 0; k < K; ++k) a.probability[k] /= total;
}

arma::mat predict(const Architecture& net, OutputUnits units, const arma::vec& w, const arma::mat& x) {
  if (w.n_elem != net.weight_count())
    throw Error("nnet predict: " + std::to_string(w.n_elem) + " weights, expected " + std::to_string(net.weight_count()) +
                " for a " + net.str() + " network");
  if (x.n_rows != net.inputs)
    throw Error("nnet predict: x has " + std::to_string(x.n_rows) + " rows, expected the network's " +
                std::to_string(net.inputs) + " inputs (one sample per column)");
  if (!x.is_finite()) throw Error("nnet predict: x holds NaN or Inf, expected finite inputs");
  arma::mat y(net.outputs, x.n_cols);
  Activations a;
  for (arma::uword n = 0; n < x.n_cols; ++n) {
    forward(net, units, w, x.colptr(n), a);
    y.col(n) = units == OutputUnits::softmax ? a.probability : a.output;
  }
  return y;
}

}  // namespace lecon::nnet
