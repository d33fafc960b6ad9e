#pragma once
// Training an RBM: contrastive divergence CD-k and persistent CD, with the settings of
// [paper: Hinton 2010, "A Practical Guide to Training Restricted Boltzmann Machines"] (docs/rbm.md).
//
// [paper: Hinton 2002]  ∂ log p(v) / ∂W_ji = ⟨v_i h_j⟩_data − ⟨v_i h_j⟩_model. CD-k replaces the model's
// expectation by the statistics after k steps of block Gibbs sampling started at the data; PCD
// ([paper: Tieleman 2008]) keeps the chains ("fantasy particles") from one update to the next instead of
// restarting them at the data. The update of each parameter group (W, b, c) is SGD with momentum from
// modules/optimizers, with its own learning rate ([paper: Hinton 2010, §5, §9]):
//   v <- μ v − ε (−(⟨v h⟩_data − ⟨v h⟩_k) + λ W),  W <- W + v      (weight cost λ on W only, §10)
//
// Compiled example (tests/docs/header_examples.cpp):
//   RbmTrainingOptions options;              // Hinton & Salakhutdinov 2006: batch 100, ε = 0.1, λ = 2e-4,
//   options.epochs = 15;                     // μ = 0.5 for 5 epochs, then 0.9; CD-1
//   Rbm<Real> rbm(784, 500, rng);
//   rbm.set_visible_bias_from_data(x.matrix());
//   RbmHistory h = train_rbm(rbm, x, options, rng, &x_valid);   // h.reconstruction_error, h.free_energy_gap
#include <functional>
#include <memory>
#include <vector>

#include "lecon/rbm/rbm.hpp"

namespace lecon {

struct RbmTrainingOptions {
  std::size_t epochs = 10;
  std::size_t batch_size = 100;                 // [paper: Hinton 2010, §4] 10 to 100 examples
  std::size_t cd_steps = 1;                     // k of CD-k (PCD: Gibbs steps per update)
  bool persistent = false;                      // PCD: the chains persist across updates
  // Whether the Gibbs chain samples the visible states. false (the guide's §3 advice for CD): the visible
  // reconstructions are probabilities, less noise but a biased chain; true: a proper Gibbs chain of the
  // model, which the exactness checks need and PCD always uses.
  bool sample_visible = false;
  // Data in [0, 1] read as probabilities: each mini-batch is binarised afresh every time it is used,
  // v_i ~ Bernoulli(x_i), so the RBM sees a new binary sample of each grey image in every epoch
  // ([code: Salakhutdinov & Murray 2008's rbm.m]: "data = data > rand"). Bernoulli visible units only.
  bool binarise_each_presentation = false;
  double learning_rate_weights = 0.1;           // ε_W       [paper: Hinton & Salakhutdinov 2006]: 0.1
  double learning_rate_visible_biases = 0.1;    // ε_b       (0.001 for every group of a linear code layer)
  double learning_rate_hidden_biases = 0.1;     // ε_c
  double initial_momentum = 0.5;                // μ for the first momentum_switch_epoch epochs ([paper: Hinton 2010, §9])
  double final_momentum = 0.9;                  // μ afterwards
  std::size_t momentum_switch_epoch = 5;
  double weight_cost = 2e-4;                    // λ, L2 on W only ([paper: Hinton 2010, §10])
  // Annealing: in epoch e of E every ε is multiplied by 1 − (1 − f) e / (E − 1), falling linearly from 1 to
  // f = final_learning_rate_factor in the last epoch; 1 (the default) keeps ε constant. Long runs that are
  // judged by their log-likelihood end with small steps so the parameters stop jittering ([paper: Hinton 2010, §9]).
  double final_learning_rate_factor = 1.0;
  // k raised during training: with n > 0, epoch e (from 0) runs k_e = min(cd_steps, 1 + ⌊e / n⌋) Gibbs steps
  // and divides every ε by k_e ([code: Salakhutdinov & Murray 2008's rbm.m], its anneal_lr switch with
  // n = 10). 0 (the default): k = cd_steps throughout.
  std::size_t cd_steps_increase_every = 0;
  std::size_t monitor_examples = 1000;          // the training subset (and held-out subset) the monitors use
  // Throws OptionError naming the option: "cd_steps: ...", "learning_rate_weights: ...", "final_momentum: ...".
  void validate() const;
};

// [paper: Hinton & Salakhutdinov 2006]'s recipe for one layer of the deep autoencoder: the options above,
// with ε = 0.001 for a Gaussian (linear) hidden layer.
RbmTrainingOptions hinton_salakhutdinov_2006_options(UnitKind hidden, std::size_t epochs);

// The k of CD-k in epoch e (from 0): cd_steps, or min(cd_steps, 1 + ⌊e / n⌋) with cd_steps_increase_every = n > 0.
std::size_t cd_steps_in_epoch(const RbmTrainingOptions& options, std::size_t epoch);

// The mini-batch train_rbm presents: columns cols of X, binarised afresh (v ~ Bernoulli(x)) when
// options.binarise_each_presentation is set, else as they are.
template <typename T>
arma::Mat<T> presented_batch(const Rbm<T>& rbm, const arma::Mat<T>& X, const arma::uvec& cols, const RbmTrainingOptions& options, Rng& rng);

// The monitors, one value per epoch (a lab plots them).
struct RbmHistory {
  // Σ_i (v_i − v̂_i)² per example, v̂ = E[v | E[h | v]] (one deterministic up-down pass) on the first
  // monitor_examples training examples, after each epoch ([paper: Hinton 2010, §5]).
  std::vector<double> reconstruction_error;
  std::vector<double> held_out_reconstruction_error;  // the same on the held-out set (empty without one)
  // [paper: Hinton 2010, §6]  mean F(v) on the held-out subset − mean F(v) on the training subset; it
  // grows when the model starts to overfit (empty without a held-out set).
  std::vector<double> free_energy_gap;
  std::vector<double> seconds;  // wall time of each epoch's updates (monitors excluded)
};

// The state of a training run: one SGD with momentum per parameter group, the persistent chains.
template <typename T>
class ContrastiveDivergence {
 public:
  // Validates the options (OptionError). rbm must outlive this object.
  ContrastiveDivergence(Rbm<T>& rbm, const RbmTrainingOptions& options);

  // Writes the CD-k (or PCD) estimate of the NEGATIVE mean log-likelihood gradient of the batch into the
  // parameters' grad, without weight cost:  grad W = −(⟨h vᵀ⟩_data − ⟨h vᵀ⟩_k) / n,  likewise b, c.
  //   V0: (d x n) a mini-batch of data
  void gradient(const arma::Mat<T>& V0, Rng& rng);
  // gradient(V0) + the weight cost λW on W's grad, then one SGD-with-momentum step per group.
  void step(const arma::Mat<T>& V0, Rng& rng);
  // μ of the following steps (train_rbm switches it after momentum_switch_epoch).
  void set_momentum(double momentum);
  // Multiplies each group's initial ε by factor (> 0) for the next steps: the annealing of train_rbm.
  void set_learning_rate_factor(double factor);
  // k of the next steps (>= 1; the options' cd_steps until set).
  void set_cd_steps(std::size_t k);
  // PCD's fantasy particles (d x n), empty before the first update or for CD.
  const arma::Mat<T>& chains() const { return chains_; }

 private:
  Rbm<T>& rbm_;
  RbmTrainingOptions options_;
  // [paper: Hinton 2010, §9] SGD with momentum, one learning rate per group (W, b, c), in SGD's form
  // v <- μ v − ε g, θ <- θ + v (lecon/optimizers/sgd.hpp), applied inside the update's parallel region: each
  // thread steps the columns of W and the biases whose gradient it has just computed.
  double momentum_ = 0.5;
  double rate_weights_ = 0, rate_visible_ = 0, rate_hidden_ = 0;
  arma::Mat<T> velocity_weights_, velocity_visible_, velocity_hidden_;
  std::size_t cd_steps_ = 1;
  arma::Mat<T> chains_;
  // Workspaces reused by every update: [data | chain end] side by side, so that ⟨h vᵀ⟩_data − ⟨h vᵀ⟩_k
  // is ONE matrix product of inner dimension 2n.
  arma::Mat<T> V_, H_;
  std::vector<std::uint64_t> keys_;  // the sampling keys of one update, drawn before its threads start
  void statistics(const arma::Mat<T>& V0, Rng& rng, bool update);
};

// Called after each epoch (0-based) with the history so far: progress, figures.
using RbmEpochCallback = std::function<void(std::size_t epoch, const RbmHistory& history)>;

// Trains rbm on x for options.epochs epochs of shuffled mini-batches and records the monitors per epoch.
//   x: (n, d) or (n, c, h, w) with d = rbm.visible_units();  held_out: the same, or nullptr
template <typename T>
RbmHistory train_rbm(Rbm<T>& rbm, const Tensor<T>& x, const RbmTrainingOptions& options, Rng& rng, const Tensor<T>* held_out = nullptr,
                     const RbmEpochCallback& after_epoch = nullptr);

// Σ_i (v_i − v̂_i)² per example, averaged over the columns of V, v̂ = E[v | E[h | v]].   V: (d x n)
template <typename T>
double reconstruction_error(const Rbm<T>& rbm, const arma::Mat<T>& V);

}  // namespace lecon
