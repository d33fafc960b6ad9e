#include <boost/test/unit_test.hpp>

#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/gradient_check.hpp"
#include "lecon/backprop/model_io.hpp"
#include "lecon/core/dataset.hpp"
#include "lecon/optimizers/sgd.hpp"
#include "lecon/regularisation/dropout.hpp"
#include "lecon/regularisation/early_stopping.hpp"
#include "lecon/regularisation/l1.hpp"
#include "lecon/regularisation/max_norm.hpp"
#include "lecon/regularisation/weight_decay.hpp"
#include "test_util.hpp"

using namespace lecon;

namespace {

Param<double> weights(arma::mat value, arma::mat grad, bool decay = true) { return Param<double>{"W", value, grad, decay}; }
Param<double> scalar(double value, double grad, bool decay = true) {
  return weights(arma::mat(1, 1, arma::fill::value(value)), arma::mat(1, 1, arma::fill::value(grad)), decay);
}

// A small classification problem and model for the training-loop tests.
struct Problem {
  Tensor<double> x, t, x_val, t_val;
};

Problem blobs(std::uint64_t seed, std::size_t n) {
  Rng rng(seed);
  auto draw = [&](Tensor<double>& x, Tensor<double>& t) {
    arma::mat X(20, n);
    rng.fill_normal(X, 0.0, 1.0);
    arma::uvec labels(n);
    for (arma::uword i = 0; i < n; ++i) {
      labels[i] = i % 2;
      X(0, i) += labels[i] ? 1.0 : -1.0;
    }
    x = Tensor<double>::from_columns(X);
    t = Tensor<double>::from_columns(one_hot<double>(labels, 2));
  };
  Problem p;
  draw(p.x, p.t);
  draw(p.x_val, p.t_val);
  return p;
}

Sequential<double> wide_model(Rng& rng) {
  Sequential<double> m;
  m.add<Dense<double>>(20, 64, rng).add<ActivationLayer<double>>(Activation::relu).add<Dense<double>>(64, 2, rng);
  return m;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(regularisation)

BOOST_AUTO_TEST_CASE(l2_adds_lambda_w_to_weight_gradients_only) {
  Param<double> w = weights({{1.0, -2.0}}, {{0.5, 0.5}});
  Param<double> b = scalar(3.0, 0.1, false);
  L2Penalty<double> l2(0.1);
  l2.after_backward({&w, &b});
  BOOST_TEST(std::abs(w.grad(0, 0) - 0.6) < 1e-15);
  BOOST_TEST(std::abs(w.grad(0, 1) - 0.3) < 1e-15);
  BOOST_TEST(b.grad(0, 0) == 0.1);  // biases are not decayed
  BOOST_TEST(std::abs(l2.penalty({&w, &b}) - 0.05 * 5.0) < 1e-15);
  // With plain SGD, the L2 penalty and decoupled decay are the same step: w(1 - ηλ) - η g, g taken at the old w.
  Param<double> a = scalar(1.0, 0.5), c = scalar(1.0, 0.5);
  L2Penalty<double>(0.1).after_backward({&a});
  SGD<double>(0.2).step({&a});
  SGD<double> sgd_c(0.2);
  DecoupledWeightDecay<double> decay(0.1, sgd_c);
  decay.after_backward({&c});  // fit's order: after backward, the step, after the step
  sgd_c.step({&c});
  decay.after_step({&c});
  BOOST_TEST(std::abs(a.value(0) - (1.0 * (1 - 0.02) - 0.2 * 0.5)) < 1e-15);
  BOOST_TEST(std::abs(c.value(0) - (1.0 * (1 - 0.02) - 0.2 * 0.5)) < 1e-15);  // decay of the pre-step w, as AdamW
  test::check_error<OptionError>([] { L2Penalty<double>(-1.0); }, {"lambda must be >= 0"});
}

BOOST_AUTO_TEST_CASE(decoupled_decay_shrinks_the_pre_step_weights_with_the_steps_eta) {
  // AdamW's order (torch.optim.AdamW): w <- w - ηλw before the step, biases untouched; the comparison with
  // torch's AdamW itself is in tests/optimizers (suite torch_reference).
  Param<double> w = weights({{2.0, -4.0}}, {{0.0, 0.0}}), b = scalar(3.0, 0.0, false);
  SGD<double> sgd(0.5);
  DecoupledWeightDecay<double> decay(0.1, sgd);
  decay.after_backward({&w, &b});
  BOOST_TEST(w.value(0, 0) == 2.0 * 0.95);
  BOOST_TEST(w.value(0, 1) == -4.0 * 0.95);
  BOOST_TEST(b.value(0, 0) == 3.0);
  sgd.step({&w, &b});
  decay.after_step({&w, &b});  // η unchanged: fine
  // A per-step schedule listed after the decay would change η between the decay and the step: refused.
  decay.after_backward({&w, &b});
  sgd.set_learning_rate(0.25);
  sgd.step({&w, &b});
  test::check_error<Error>([&] { decay.after_step({&w, &b}); }, {"weight decay", "learning rate changed", "before DecoupledWeightDecay"});
  SGD<double> fast(20.0);
  DecoupledWeightDecay<double> too_much(0.1, fast);
  test::check_error<Error>([&] { too_much.after_backward({&w}); }, {"learning rate * lambda must stay below 1"});
}

BOOST_AUTO_TEST_CASE(proximal_l1_makes_exact_zeros_and_the_subgradient_does_not) {
  const Problem p = blobs(1, 200);
  std::size_t zeros_prox = 0, zeros_sub = 0, total = 0;
  for (int way = 0; way < 2; ++way) {
    Rng rng(2);
    Sequential<double> model = wide_model(rng);
    SGD<double> sgd(0.05);
    SoftmaxCrossEntropy<double> loss;
    L1Proximal<double> prox(0.01, sgd);
    L1Subgradient<double> sub(0.01);
    std::vector<TrainingObserver<double>*> observers = {way == 0 ? static_cast<TrainingObserver<double>*>(&prox) : &sub};
    FitOptions options{30, 20};
    fit(model, loss, sgd, p.x, p.t, options, rng, observers);
    (way == 0 ? zeros_prox : zeros_sub) = count_zero_weights(model.params());
    total = 20 * 64 + 64 * 2;
    BOOST_TEST(evaluate(model, loss, p.x_val, p.t_val).accuracy > 0.7);
  }
  BOOST_TEST_MESSAGE("exact zeros: proximal " << zeros_prox << ", subgradient " << zeros_sub << " of " << total);
  BOOST_TEST(zeros_prox > total / 4);  // a third here (490 of 1408 measured): weights of noise inputs are cut
  BOOST_TEST(zeros_sub < total / 100);
}

BOOST_AUTO_TEST_CASE(dropout_is_inverted_seeded_and_off_in_eval_mode) {
  Dropout<double> drop(0.25);
  Tensor<double> x(Shape{2000, 50}), y1, y2, y3;
  x.matrix().fill(2.0);
  Rng a(5), b(5);
  drop.forward(x, y1, Context{true, &a});
  drop.forward(x, y2, Context{true, &b});
  BOOST_TEST(arma::approx_equal(y1.matrix(), y2.matrix(), "absdiff", 0.0));  // same seed, same mask
  const double kept = arma::accu(y1.matrix() != 0.0) / static_cast<double>(y1.size());
  BOOST_TEST(std::abs(kept - 0.75) < 0.01);
  BOOST_TEST(std::abs(arma::mean(arma::vectorise(y1.matrix())) - 2.0) < 0.02);  // E[y] = x
  BOOST_TEST(arma::all(arma::vectorise(y1.matrix()) == 0.0 || arma::vectorise(y1.matrix()) == 2.0 / 0.75));
  drop.forward(x, y3, Context{false, nullptr});
  BOOST_TEST(arma::approx_equal(y3.matrix(), x.matrix(), "absdiff", 0.0));
  test::check_error<OptionError>([] { Dropout<double>(1.0); }, {"rate must be in [0, 1)"});
  // The gradient check in training mode: the checker re-seeds the Rng, so the mask is fixed.
  Rng rng(6);
  Dropout<double> layer(0.5);
  for (const GradientCheck& c : check_layer_gradients(layer, Shape{4, 6}, rng, true)) BOOST_TEST(c.max_relative_error < 1e-6);
}

BOOST_AUTO_TEST_CASE(dropout_saves_and_loads_with_the_model) {
  test::ScratchDir dir("dropout");
  register_dropout_layer();
  Rng rng(7);
  Sequential<float> model;
  model.add<Dense<float>>(3, 4, rng).add<Dropout<float>>(0.3).add<Dense<float>>(4, 2, rng);
  save_model(dir.file("m.h5"), model);
  Sequential<float> back = load_model<float>(dir.file("m.h5"));
  BOOST_TEST(back.layer(1).kind() == "Dropout");
  BOOST_TEST(dynamic_cast<Dropout<float>&>(back.layer(1)).rate() == 0.3, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(early_stopping_waits_patience_epochs_and_restores_the_best) {
  Rng rng(8);
  Sequential<double> model = wide_model(rng);
  EarlyStopping<double> stop(model, "val_loss", 3, 0.0, true);
  History h;
  const std::vector<double> val = {1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9};
  std::vector<arma::mat> weights_at;
  std::size_t stopped_at = 0;
  for (std::size_t e = 0; e < val.size(); ++e) {
    model.params()[0]->value.fill(static_cast<double>(e));  // mark the weights with the epoch
    h.metrics["val_loss"].push_back(val[e]);
    if (stop.on_epoch_end(e, h)) {
      stopped_at = e;
      break;
    }
  }
  BOOST_TEST(stopped_at == 5u);  // best at epoch 2, then 3 epochs without improvement
  BOOST_TEST(stop.best_epoch() == 2u);
  BOOST_TEST(stop.stopped_early());
  stop.on_train_end();
  BOOST_TEST(model.params()[0]->value(0, 0) == 2.0);  // the best epoch's weights are back
  EarlyStopping<double> missing(model, "val_accuracy_typo", 2);
  test::check_error<Error>([&] { missing.on_epoch_end(0, h); }, {"no 'val_accuracy_typo'"});
}

BOOST_AUTO_TEST_CASE(early_stopping_ends_a_real_fit) {
  const Problem p = blobs(9, 300);
  Rng rng(10);
  Sequential<double> model = wide_model(rng);
  SGD<double> sgd(0.1, 0.9);
  SoftmaxCrossEntropy<double> loss;
  EarlyStopping<double> stop(model, "val_loss", 3, 1e-4, true);
  FitOptions options{500, 30, 0.3};
  const History h = fit<double>(model, loss, sgd, p.x, p.t, options, rng, {&stop});
  BOOST_TEST(h["loss"].size() < 500u);
  BOOST_TEST(stop.stopped_early());
  // The restored model is the best epoch's: its validation loss equals the recorded best.
  const Tensor<double> x_val = p.x.gather(arma::regspace<arma::uvec>(210, 299));
  const Tensor<double> t_val = p.t.gather(arma::regspace<arma::uvec>(210, 299));
  BOOST_TEST(std::abs(evaluate(model, loss, x_val, t_val).loss - stop.best_value()) < 1e-12);
}

BOOST_AUTO_TEST_CASE(max_norm_caps_every_units_incoming_weights) {
  Param<double> w = weights({{3.0, 4.0}, {0.3, 0.4}}, {{0, 0}, {0, 0}});
  MaxNorm<double>(1.0).after_step({&w});
  BOOST_TEST(std::abs(w.value(0, 0) - 0.6) < 1e-15);  // (3, 4) has norm 5: scaled to norm 1
  BOOST_TEST(std::abs(w.value(0, 1) - 0.8) < 1e-15);
  BOOST_TEST(w.value(1, 0) == 0.3);  // already inside the ball: untouched
  test::check_error<OptionError>([] { MaxNorm<double>(0.0); }, {"must be positive"});
}

BOOST_AUTO_TEST_SUITE_END()
