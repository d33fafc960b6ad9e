#include <boost/test/unit_test.hpp>

#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/gradient_check.hpp"
#include "lecon/backprop/model_io.hpp"
#include "lecon/cnn/conv2d.hpp"
#include "lecon/cnn/flatten.hpp"
#include "lecon/core/dataset.hpp"
#include "lecon/core/hdf5_io.hpp"
#include "lecon/optimizers/sgd.hpp"
#include "lecon/regularisation/dropout.hpp"
#include "lecon/regularisation/early_stopping.hpp"
#include "lecon/regularisation/l1.hpp"
#include "lecon/regularisation/max_norm.hpp"
#include "lecon/regularisation/weight_decay.hpp"
#include "resume_run.hpp"
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
  Rng c(5);  // evaluation mode is the identity, with a generator at hand or without one
  drop.forward(x, y3, Context{false, &c});
  BOOST_TEST(arma::approx_equal(y3.matrix(), x.matrix(), "absdiff", 0.0));
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
  w.units = UnitLayout::rows;
  MaxNorm<double>(1.0).after_step({&w});
  BOOST_TEST(std::abs(w.value(0, 0) - 0.6) < 1e-15);  // (3, 4) has norm 5: scaled to norm 1
  BOOST_TEST(std::abs(w.value(0, 1) - 0.8) < 1e-15);
  BOOST_TEST(w.value(1, 0) == 0.3);  // already inside the ball: untouched
  // The same numbers as columns: the units are the columns now.
  Param<double> columns = weights({{3.0, 0.3}, {4.0, 0.4}}, {{0, 0}, {0, 0}});
  columns.units = UnitLayout::columns;
  MaxNorm<double>(1.0).after_step({&columns});
  BOOST_TEST(std::abs(columns.value(1, 0) - 0.8) < 1e-15);
  BOOST_TEST(columns.value(1, 1) == 0.4);
  // A decayed weight that does not say how it groups per unit is refused; a bias is skipped.
  Param<double> undeclared = weights({{3.0, 4.0}}, {{0, 0}});
  Param<double> bias = scalar(7.0, 0.0, false);
  test::check_error<Error>([&] { MaxNorm<double>(1.0).after_step({&bias, &undeclared}); },
                           {"max-norm", "'W' does not declare which of its weights belong to one unit"});
  BOOST_TEST(bias.value(0) == 7.0);
  test::check_error<OptionError>([] { MaxNorm<double>(0.0); }, {"must be positive"});
}

// Dense and Conv2D declare their layouts; checked here against what forward does with the weights and
// against an independent computation of the norms.
BOOST_AUTO_TEST_CASE(max_norm_caps_each_dense_row_and_each_conv2d_filter) {
  Rng rng(21);
  Dense<double> dense(6, 5, rng);
  Conv2D<double> conv(3, 6, 3, rng);  // W: (C·K·K x F) = 27 x 6
  BOOST_TEST((dense.W().units == UnitLayout::rows));
  BOOST_TEST((conv.W().units == UnitLayout::columns));
  BOOST_TEST((dense.b().units == UnitLayout::none));
  // The layouts are the units': zeroing row 2 of the Dense W changes output unit 2 only; zeroing column 4
  // of the Conv2D W changes output channel 4 only.
  {
    Tensor<double> x(Shape{3, 6}), y0, y1;
    rng.fill_normal(x.matrix(), 0.0, 1.0);
    dense.b().value.fill(0.5);
    dense.forward(x, y0, Context{});
    const arma::mat saved = dense.W().value;
    dense.W().value.row(2).zeros();
    dense.forward(x, y1, Context{});
    const arma::mat change = arma::abs(y1.matrix() - y0.matrix());
    BOOST_TEST(arma::approx_equal(y1.matrix().row(2), arma::rowvec(3, arma::fill::value(0.5)), "absdiff", 0.0));
    BOOST_TEST(arma::accu(change) == arma::accu(change.row(2)));
    dense.W().value = saved;
  }
  {
    Tensor<double> x(Shape{2, 3, 5, 5}), y0, y1;
    rng.fill_normal(x.matrix(), 0.0, 1.0);
    conv.forward(x, y0, Context{});
    const arma::mat saved = conv.W().value;
    conv.W().value.col(4).zeros();
    conv.forward(x, y1, Context{});
    for (std::size_t n = 0; n < 2; ++n)
      for (std::size_t k = 0; k < 6; ++k)
        for (std::size_t i = 0; i < 3; ++i)
          for (std::size_t j = 0; j < 3; ++j)
            BOOST_TEST((y1.at(n, k, i, j) == (k == 4 ? 0.0 : y0.at(n, k, i, j))));
    conv.W().value = saved;
  }
  // Some units far outside the ball of radius c, the others inside it.
  const double c = 1.0;
  for (arma::uword j : {0u, 2u, 4u}) dense.W().value.row(j) *= 5.0;
  dense.W().value.row(1) *= 0.1;
  for (arma::uword f : {1u, 3u, 5u}) conv.W().value.col(f) *= 5.0;
  conv.W().value.col(0) *= 0.1;
  const arma::mat dense_before = dense.W().value;
  // The filters as PyTorch holds them, (F, C, K, K) in C order: filter f is the f-th run of C·K·K numbers.
  const std::vector<double> filters_before(conv.W().value.begin(), conv.W().value.end());
  std::vector<Param<double>*> params = dense.params();
  for (Param<double>* p : conv.params()) params.push_back(p);
  MaxNorm<double>(c).after_step(params);

  const std::size_t F = 6, CKK = 27;
  const std::vector<double> filters_after(conv.W().value.begin(), conv.W().value.end());
  std::size_t scaled_filters = 0;
  for (std::size_t f = 0; f < F; ++f) {
    double before = 0, after = 0;
    for (std::size_t e = 0; e < CKK; ++e) {
      before += filters_before[f * CKK + e] * filters_before[f * CKK + e];
      after += filters_after[f * CKK + e] * filters_after[f * CKK + e];
    }
    before = std::sqrt(before);
    after = std::sqrt(after);
    BOOST_TEST_MESSAGE("filter " << f << ": norm " << before << " -> " << after);
    BOOST_TEST(after <= c + 1e-6);
    if (before <= c) {
      for (std::size_t e = 0; e < CKK; ++e) BOOST_TEST(filters_after[f * CKK + e] == filters_before[f * CKK + e]);
    } else {
      ++scaled_filters;
      BOOST_TEST(std::abs(after - c) < 1e-12);
      for (std::size_t e = 0; e < CKK; ++e) BOOST_TEST(std::abs(filters_after[f * CKK + e] - filters_before[f * CKK + e] * c / before) < 1e-12);
    }
  }
  BOOST_TEST(scaled_filters >= 3u);
  std::size_t scaled_rows = 0;
  for (arma::uword j = 0; j < 5; ++j) {
    const double before = std::sqrt(arma::accu(arma::square(dense_before.row(j))));
    const double after = std::sqrt(arma::accu(arma::square(dense.W().value.row(j))));
    BOOST_TEST(after <= c + 1e-6);
    if (before <= c) {
      BOOST_TEST(arma::approx_equal(dense.W().value.row(j), dense_before.row(j), "absdiff", 0.0));
    } else {
      ++scaled_rows;
      BOOST_TEST(arma::approx_equal(dense.W().value.row(j), dense_before.row(j) * (c / before), "absdiff", 1e-12));
    }
  }
  BOOST_TEST(scaled_rows >= 3u);
  BOOST_TEST(arma::approx_equal(dense.b().value, arma::vec(5, arma::fill::value(0.5)), "absdiff", 0.0));  // biases are not constrained
}

BOOST_AUTO_TEST_CASE(max_norm_holds_through_training_a_convolutional_network) {
  Rng rng(22);
  Sequential<float> model;
  model.add<Conv2D<float>>(1, 4, 3, rng).add<ActivationLayer<float>>(Activation::relu).add<Flatten<float>>().add<Dense<float>>(4 * 6 * 6, 2, rng);
  arma::fmat X(64, 40);
  rng.fill_normal(X, 0.0f, 1.0f);
  arma::uvec labels(40);
  for (arma::uword i = 0; i < 40; ++i) {
    labels[i] = i % 2;
    X.col(i) += labels[i] ? 0.5f : -0.5f;
  }
  const Tensor<float> x(Shape{40, 1, 8, 8}, X);
  const Tensor<float> t = Tensor<float>::from_columns(one_hot<float>(labels, 2));
  SGD<float> sgd(0.5f);  // large steps: the weights leave the ball after every step
  SoftmaxCrossEntropy<float> loss;
  MaxNorm<float> max_norm(0.3);
  FitOptions options;
  options.epochs = 3;
  options.batch_size = 8;
  fit<float>(model, loss, sgd, x, t, options, rng, {&max_norm});
  auto& conv = dynamic_cast<Conv2D<float>&>(model.layer(0));
  auto& dense = dynamic_cast<Dense<float>&>(model.layer(3));
  for (arma::uword f = 0; f < 4; ++f) BOOST_TEST(arma::norm(arma::conv_to<arma::vec>::from(conv.W().value.col(f))) <= 0.3 + 1e-6);
  for (arma::uword j = 0; j < 2; ++j) BOOST_TEST(arma::norm(arma::conv_to<arma::rowvec>::from(dense.W().value.row(j))) <= 0.3 + 1e-6);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(resume)

// Train 6 epochs in one piece, or 3 epochs, save_checkpoint, load into fresh objects (other initial
// weights, a generator with the same seed as at the start), 3 more: the same weights to the last bit, in
// float, with shuffled batches, dropout, a per-epoch schedule and early stopping all running. The old
// code (a checkpoint of model and optimizer only, the generator re-seeded, a fresh early stopping, the
// schedule told its first epoch) missed by max |Δw| = 0.0123, 0.478, 0.0158 and 0.344 in the four cases.
BOOST_AUTO_TEST_CASE(a_run_resumed_from_a_checkpoint_is_bit_identical_to_the_run_in_one_piece) {
  test::ScratchDir dir("resume");
  const test::ResumeData data = test::resume_data();
  struct Case {
    float learning_rate;
    std::size_t patience;
    std::size_t epochs;      // the straight run's, as measured
    std::size_t best_epoch;  // 0-based
    const char* what;
  };
  const Case cases[] = {
      {0.02f, 1, 5, 3, "stops in the second piece; the best weights are from the second piece"},
      {0.2f, 2, 6, 3, "the first piece ends one epoch after its best (waited = 1 is saved); stops at the last epoch"},
      {0.01f, 10, 6, 5, "never stops; the best epoch is the last"},
      {0.1f, 2, 3, 0, "stops at the end of the first piece: the resumed fit trains nothing"},
  };
  for (const Case& c : cases) {
    test::ResumeSettings settings;
    settings.learning_rate = c.learning_rate;
    settings.patience = c.patience;
    test::ResumeRun straight(settings);
    straight.train(data, 6, true);

    test::ResumeRun first(settings);
    first.train(data, 3, false);
    first.save(dir.file("run.h5"));
    test::ResumeRun resumed(settings, 99);
    resumed.load(dir.file("run.h5"));
    BOOST_TEST(resumed.state().epoch == 3u);
    const History h = resumed.train(data, 3, true);

    const double difference = test::max_weight_difference(straight.model(), resumed.model());
    BOOST_TEST_MESSAGE("lr " << c.learning_rate << ", patience " << c.patience << ": resumed vs straight max |dw| = " << difference
                             << " (" << c.what << ")");
    BOOST_TEST(difference == 0.0, c.what);
    BOOST_TEST(straight.state().epoch == c.epochs, c.what);  // the case is the one described
    BOOST_TEST(straight.early_stopping().best_epoch() == c.best_epoch, c.what);
    if (c.epochs > 3) BOOST_TEST(test::max_weight_difference(straight.model(), first.model()) > 0.0, c.what);  // the second piece counts
    BOOST_TEST(resumed.state().epoch == straight.state().epoch, c.what);
    BOOST_TEST(resumed.state().stopped == straight.state().stopped, c.what);
    BOOST_TEST(resumed.early_stopping().best_value() == straight.early_stopping().best_value(), c.what);
    BOOST_TEST(resumed.early_stopping().stopped_early() == straight.early_stopping().stopped_early(), c.what);
    BOOST_TEST(resumed.state().rng.state() == straight.state().rng.state(), c.what);
    // The History is the whole run's, the first piece's epochs read from the file.
    BOOST_TEST(h["loss"] == straight.state().history["loss"], c.what);
    BOOST_TEST(h["val_accuracy"] == straight.state().history["val_accuracy"], c.what);
    BOOST_TEST(h.seconds.size() == straight.state().epoch, c.what);
  }
}

BOOST_AUTO_TEST_CASE(a_piece_that_finishes_puts_back_the_best_weights_and_one_that_does_not_keeps_training_weights) {
  const test::ResumeData data = test::resume_data();
  test::ResumeSettings settings;
  settings.learning_rate = 0.2f;  // best epoch 1, epoch 2 worse (see above)
  test::ResumeRun finished(settings), paused(settings), two_epochs(settings);
  finished.train(data, 3, true);
  paused.train(data, 3, false);
  two_epochs.train(data, 2, false);  // epochs 0 and 1: the weights of the best epoch
  BOOST_TEST(finished.early_stopping().best_epoch() == 1u);
  // The finished piece holds exactly the best epoch's weights; the paused one the third epoch's, not those.
  BOOST_TEST(test::max_weight_difference(finished.model(), two_epochs.model()) == 0.0);
  BOOST_TEST(test::max_weight_difference(paused.model(), two_epochs.model()) > 0.0);
}

BOOST_AUTO_TEST_CASE(a_checkpoint_resumes_only_the_run_it_saved) {
  test::ScratchDir dir("resume");
  const test::ResumeData data = test::resume_data();
  test::ResumeRun run;
  run.train(data, 2, false);
  run.save(dir.file("run.h5"));
  // The file: the generator's words exactly, the epoch counter, the history, early stopping's state.
  const H5Reader file(dir.file("run.h5"), Integrity::required);
  const std::vector<std::uint64_t> words = file.read_words("/training/rng");
  const Rng::State rng = run.state().rng.state();
  BOOST_TEST(words == std::vector<std::uint64_t>(rng.begin(), rng.end()));
  BOOST_TEST(file.attribute_number("/training", "epoch") == 2.0);
  BOOST_TEST(file.attribute_number("/training", "observers") == 2.0);
  BOOST_TEST(!file.exists("/training/observers/000"));  // the schedule has no state of its own
  BOOST_TEST(file.attribute_string("/training/observers/001", "observer") == "EarlyStopping");
  BOOST_TEST(file.shape("/training/history/val_loss").str() == "(2)");
  BOOST_TEST(file.shape("/training/observers/001/best_weights/000").str() == file.shape("/layers/000_Dense/W").str());

  // Other early-stopping settings, other observers, a checkpoint without a run: refused, one line each.
  Sequential<float> model;
  SGD<float> sgd(0.05f, 0.9);
  TrainingState state(Rng(1));
  EarlyStopping<float> other_patience(model, "val_loss", 3, 0.0, true);
  LearningRateScheduler<float> schedule(sgd, StepDecay(0.05, 0.5, 2));
  test::check_error<FileError>([&] { load_checkpoint<float>(dir.file("run.h5"), model, sgd, state, {&schedule}); },
                               {"run.h5", "saved with 2 training observers, resumed with 1"});
  BOOST_TEST(state.epoch == 0u);  // refused before the model, the optimizer and the state were touched
  BOOST_TEST(model.size() == 0u);
  BOOST_TEST(sgd.iterations() == 0u);
  // An observer's own state is checked by the observer, after the rest has been loaded.
  test::check_error<FileError>([&] { load_checkpoint<float>(dir.file("run.h5"), model, sgd, state, {&schedule, &other_patience}); },
                               {"run.h5", "early stopping saved with patience = 2, but this one has patience = 3"});
  test::check_error<FileError>([&] { load_checkpoint<float>(dir.file("run.h5"), model, sgd, state, {&other_patience, &schedule}); },
                               {"run.h5", "/training/observers/000: no early-stopping state here"});
  save_checkpoint(dir.file("plain.h5"), run.model(), sgd);
  test::check_error<FileError>([&] { load_checkpoint<float>(dir.file("plain.h5"), model, sgd, state, {}); },
                               {"plain.h5", "no training state"});
  // The old form still loads the model and the optimizer of a full checkpoint.
  Sequential<float> back;
  SGD<float> back_sgd(0.05f, 0.9);
  load_checkpoint(dir.file("run.h5"), back, back_sgd);
  BOOST_TEST(test::max_weight_difference(back, run.model()) == 0.0);
}

BOOST_AUTO_TEST_SUITE_END()
