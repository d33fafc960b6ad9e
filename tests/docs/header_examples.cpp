// The usage examples in the headers' comments, compiled (issue 16): every comment block in a header under
// modules/ that follows a line naming "excerpt of tests/docs/header_examples.cpp" is, with its "//   "
// prefix removed, a run of lines of this file (the test docs/header_excerpts checks it). Each function
// below declares what its block's prose assumes (x, rng, a model ...) and then holds the block verbatim,
// so a change of the API that breaks a header's example breaks the build. Nothing here runs; built with
// -Werror, unused variables and parameters allowed (a fragment shows a call, not a use of its result).
#include <memory>
#include <vector>

#include "lecon/autoencoders/stacked_autoencoder.hpp"
#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/loss.hpp"
#include "lecon/backprop/model_io.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/core.hpp"
#include "lecon/dbn/dbn.hpp"
#include "lecon/dbn/dbn_io.hpp"
#include "lecon/labkit/fit_progress.hpp"
#include "lecon/labkit/lab.hpp"
#include "lecon/nnet.hpp"
#include "lecon/nnet/vmmin.hpp"
#include "lecon/optimizers/adam.hpp"
#include "lecon/optimizers/rmsprop.hpp"
#include "lecon/optimizers/schedule.hpp"
#include "lecon/optimizers/sgd.hpp"
#include "lecon/rbm/ais.hpp"
#include "lecon/rbm/contrastive_divergence.hpp"
#include "lecon/rbm/rbm_layer.hpp"
#include "lecon/regularisation/early_stopping.hpp"
#include "lecon/regularisation/weight_decay.hpp"

namespace po = boost::program_options;

// The functions are not static: unused static functions would be warnings.
namespace lecon_header_examples {
using namespace lecon;

// lecon/backprop/sequential.hpp, block 1
void sequential_1(const Tensor<float>& x_train, const Tensor<float>& y_train, Rng& rng) {
Sequential<float> model;
model.add<Dense<float>>(4, 5, rng).add<ActivationLayer<float>>(Activation::relu)
     .add<Dense<float>>(5, 3, rng);
SoftmaxCrossEntropy<float> loss;  RMSprop<float> opt;
History h = fit(model, loss, opt, x_train, y_train, FitOptions{500, 50}, rng);
}

// lecon/backprop/sequential.hpp, block 2
void sequential_2(Sequential<float>& model, const Loss<float>& loss, Optimizer<float>& opt, const Tensor<float>& x,
                  const Tensor<float>& y, const FitOptions& options, const std::vector<TrainingObserver<float>*>& observers,
                  std::uint64_t seed) {
TrainingState state{Rng(seed)};
fit(model, loss, opt, x, y, options, state, observers);   // advances state.epoch, state.rng, ...
}

// lecon/backprop/model_io.hpp
void model_io(Sequential<float>& model, const Loss<float>& loss, Adam<float>& adam, LearningRateScheduler<float>& schedule,
              EarlyStopping<float>& early_stopping, const Tensor<float>& x, const Tensor<float>& y) {
TrainingState state(Rng(1));                                  // first process
FitOptions piece{3};                                          // 3 epochs
piece.finish = false;                                         // a later fit continues the run
fit(model, loss, adam, x, y, piece, state, {&schedule, &early_stopping});
save_checkpoint("run.h5", model, adam, state, {&schedule, &early_stopping});
// a new process: fresh objects, as before
load_checkpoint("run.h5", model, adam, state, {&schedule, &early_stopping});
fit(model, loss, adam, x, y, FitOptions{3}, state, {&schedule, &early_stopping});
}

// lecon/optimizers/schedule.hpp
void schedule(Sequential<float>& model, const Loss<float>& loss, Adam<float>& adam, const Tensor<float>& x,
              const Tensor<float>& y, const FitOptions& options, Rng& rng) {
LearningRateScheduler<float> schedule(adam, InverseTimeDecay(0.01, 1e-3), ScheduleUnit::step);
fit(model, loss, adam, x, y, options, rng, {&schedule});
}

// lecon/labkit/fit_progress.hpp
void fit_progress(Sequential<Real>& model, const Loss<Real>& loss, SGD<Real>& sgd, const Tensor<Real>& x, const Tensor<Real>& y,
                  std::size_t epochs, Rng& rng, L2Penalty<Real>& l2) {
FitOptions options{epochs, 32};
FitProgress<Real> progress("mini-batch (batch 32)", options, x.batch());
fit(model, loss, sgd, x, y, options, rng, {&progress, &l2});
}

// lecon/labkit/lab.hpp
namespace lab_example {
int main(int argc, char** argv) {
  lecon::LabProgram lab("01_neuron", "Activations, the perceptron and XOR");
  lab.options().add_options()("hidden", po::value<int>()->default_value(2), "hidden units");
  return lab.run(argc, argv, [&](const lecon::LabContext& ctx) { std::cout << ctx.options["hidden"].as<int>() << "\n"; });
}
}  // namespace lab_example

// lecon/autoencoders/stacked_autoencoder.hpp, block 1
void stacked_autoencoder_1(const Tensor<Real>& x_train, const Tensor<Real>& one_hot, const Tensor<Real>& x_test,
                           const Tensor<Real>& y_test, SGD<Real>& sgd, Rng& rng) {
StackOptions options = stack_options({500, 500, 500}, 0.25);   // hidden sizes, ν
options.training.epochs = 15;
StackedAutoencoder<Real> sda = pretrain_stack<Real>(x_train, options, [] { return std::make_unique<SGD<Real>>(0.01); }, rng);
arma::Mat<Real> filters = sda.autoencoder(0).W_value();           // first-layer filters, one per row
Tensor<Real> z = sda.autoencoder(0).reconstruct(x_test);          // reconstructions, shaped like x
Sequential<Real> net = sda.classifier(10, rng);                   // encoders + Dense(10) (logits)
fit(net, SoftmaxCrossEntropy<Real>(), sgd, x_train, one_hot, FitOptions{30, 1}, rng);
double error = 1 - evaluate(net, SoftmaxCrossEntropy<Real>(), x_test, y_test).accuracy;
save_stack("sda.h5", sda);  StackedAutoencoder<Real> again = load_stack<Real>("sda.h5");
}

// lecon/autoencoders/stacked_autoencoder.hpp, block 2
void stacked_autoencoder_2(L2Penalty<Real>& l2) {
std::vector<std::unique_ptr<LearningRateScheduler<Real>>> schedules;
auto observers = [&](std::size_t, Optimizer<Real>& opt) -> std::vector<TrainingObserver<Real>*> {
  schedules.push_back(std::make_unique<LearningRateScheduler<Real>>(opt, StepDecay(0.01, 0.5, 5)));
  return {schedules.back().get(), &l2};
};
LayerObservers<Real> as_argument = observers;
}

// lecon/rbm/contrastive_divergence.hpp
void contrastive_divergence(const Tensor<Real>& x, const Tensor<Real>& x_valid, Rng& rng) {
RbmTrainingOptions options;              // Hinton & Salakhutdinov 2006: batch 100, ε = 0.1, λ = 2e-4,
options.epochs = 15;                     // μ = 0.5 for 5 epochs, then 0.9; CD-1
Rbm<Real> rbm(784, 500, rng);
rbm.set_visible_bias_from_data(x.matrix());
RbmHistory h = train_rbm(rbm, x, options, rng, &x_valid);   // h.reconstruction_error, h.free_energy_gap
}

// lecon/rbm/ais.hpp
void ais(const Rbm<Real>& rbm, const Tensor<Real>& x_train, const Tensor<Real>& x_test, Rng& rng) {
const std::vector<double> betas = ais_betas(14500);                        // the paper's schedule
const arma::Mat<Real> base = base_rate_visible_bias(x_train);
AisEstimate z = ais_log_partition(rbm, 100, betas, rng, base);
double test_log_p = average_log_probability(rbm, x_test, z.log_z);        // nats per image
}

// lecon/rbm/rbm_layer.hpp
void rbm_layer(const Tensor<Real>& x, Rng& rng) {
RbmTrainingOptions options = hinton_salakhutdinov_2006_options(UnitKind::bernoulli, 10);
RbmLayer<Real> first(1000, options), second(500, options);
RbmLayer<Real> code(30, hinton_salakhutdinov_2006_options(UnitKind::gaussian, 10), UnitKind::bernoulli, UnitKind::gaussian);
Sequential<Real> encoder = pretrain_greedily<Real>({&first, &second, &code}, x, rng);
Sequential<Real> decoder;                       // unrolled: Dense(Wᵀ, b) + σ per RBM, top first
append_rbm_decoder(code.rbm(), decoder);  append_rbm_decoder(second.rbm(), decoder);  append_rbm_decoder(first.rbm(), decoder);
}

// lecon/dbn/dbn.hpp
void dbn(const Tensor<Real>& x, const Tensor<Real>& one_hot, Adam<Real>& adam, SGD<Real>& sgd, Rng& rng) {
DbnOptions options = hinton_salakhutdinov_2006_dbn({1000, 500, 250, 30}, 50, true);  // linear code layer
Dbn<Real> dbn = pretrain_dbn<Real>(x, options, rng);       // x: (n, 784), pixels in [0, 1]
Sequential<Real> autoencoder = dbn.autoencoder();           // 784-1000-500-250-30-250-500-1000-784
fine_tune_autoencoder(autoencoder, DeepAutoencoderLoss::cross_entropy, x, adam, FitOptions{200, 100}, rng);
Sequential<Real> net = dbn.classifier(10, rng);             // encoders + Dense(10): logits
fit(net, SoftmaxCrossEntropy<Real>(), sgd, x, one_hot, FitOptions{30, 100}, rng);
save_dbn("dbn.h5", dbn);  Dbn<Real> again = load_dbn<Real>("dbn.h5");
}

// lecon/nnet/nnet.hpp
void nnet(const arma::mat& x, const arma::mat& y, const arma::vec& w0) {
using namespace lecon::nnet;
NnetOptions o; o.size = 2; o.decay = 5e-4; o.maxit = 200; o.softmax = true;
NnetFit fit = fit_nnet(x, y, o, w0);          // x: (p x n), y: (K x n), one sample per column
}

// lecon/nnet/vmmin.hpp: the function object vmmin minimises (here f(w) = ‖w‖²)
struct SquaredNorm {
double evaluate(const arma::vec& w);                 // f(w)
void gradient(const arma::vec& w, arma::vec& g);      // g = ∇f(w), overwritten
};
double SquaredNorm::evaluate(const arma::vec& w) { return arma::dot(w, w); }
void SquaredNorm::gradient(const arma::vec& w, arma::vec& g) { g = 2 * w; }
void vmmin() {
  SquaredNorm f;
  nnet::VmminResult result = nnet::vmmin(f, arma::vec{1.0, -2.0});
}

}  // namespace lecon_header_examples

int main() { return 0; }
