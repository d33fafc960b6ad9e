#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>

#include "lecon/backprop/gradient_check.hpp"
#include "lecon/backprop/loss.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/core/data_store.hpp"
#include "lecon/core/hdf5_io.hpp"
#include "lecon/dbn/dbn.hpp"
#include "lecon/dbn/dbn_io.hpp"
#include "lecon/optimizers/adam.hpp"
#include "lecon/rbm/rbm_io.hpp"
#include "gradient_test_util.hpp"
#include "test_util.hpp"

using namespace lecon;

namespace {

// A small DBN on random binary data: 12 visible, 8 Bernoulli hidden, a top of `top` units (linear if
// linear_code), pretrained for 3 epochs so that the weights are no longer the initial ones.
Dbn<double> small_dbn(std::size_t top, bool linear_code, std::uint64_t seed) {
  Rng rng(seed);
  Tensor<double> x(Shape{120, 12});
  rng.fill_bernoulli(x.matrix(), 0.4);
  DbnOptions options = hinton_salakhutdinov_2006_dbn({8, top}, 3, linear_code);
  for (DbnLayerOptions& layer : options.layers) layer.training.batch_size = 20;
  return pretrain_dbn<double>(x, options, rng);
}

// A DBN 12-8-top with weights N(0, 0.7²) and biases N(0, 0.5²): large enough that every layer's gradient is
// well above the central differences' rounding (pretrained weights of 0.01 leave the lower layers' gradients
// near 1e-7, where a relative error says nothing).
Dbn<double> random_dbn(std::size_t top, bool linear_code, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<Rbm<double>> rbms;
  const std::size_t sizes[3] = {12, 8, top};
  for (std::size_t k = 0; k < 2; ++k) {
    const UnitKind hidden = k == 1 && linear_code ? UnitKind::gaussian : UnitKind::bernoulli;
    Rbm<double> rbm(sizes[k], sizes[k + 1], rng, UnitKind::bernoulli, hidden);
    arma::mat W(sizes[k + 1], sizes[k]), b(sizes[k], 1), c(sizes[k + 1], 1);
    rng.fill_normal(W, 0.0, 0.7);
    rng.fill_normal(b, 0.0, 0.5);
    rng.fill_normal(c, 0.0, 0.5);
    rbm.set_parameters(W, b, c);
    rbms.push_back(std::move(rbm));
  }
  return Dbn<double>(std::move(rbms));
}

double percent_wrong(Sequential<float>& net, const Dataset& data) {
  return 100.0 * static_cast<double>(arma::accu(net.predict_classes(data.x, 1000) != data.y)) / static_cast<double>(data.size());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dbn_unrolling)

// The unrolled networks compute what the RBMs define: the encoder is E[h | v] layer after layer, the
// decoder E[v | h] back down, and the decoder's weights start as the transposed encoder weights, as
// separate parameters.
BOOST_AUTO_TEST_CASE(autoencoder_and_classifier_are_the_rbms_maps) {
  const Dbn<double> dbn = small_dbn(3, true, 5);
  BOOST_TEST(dbn.layers() == 2u);
  BOOST_TEST(dbn.inputs() == 12u);
  BOOST_TEST(dbn.code_units() == 3u);
  BOOST_TEST(dbn.histories.size() == 2u);
  BOOST_TEST(dbn.histories[0].reconstruction_error.size() == 3u);
  Rng rng(6);
  Tensor<double> x(Shape{10, 12});
  rng.fill_bernoulli(x.matrix(), 0.5);

  Sequential<double> autoencoder = dbn.autoencoder();
  BOOST_TEST(autoencoder.size() == 7u);  // Dense σ Dense | Dense σ Dense σ  (linear code)
  const Tensor<double> codes = dbn.rbm(1).encode(dbn.rbm(0).encode(x));
  BOOST_TEST(arma::approx_equal(dbn.encoders().predict(x).matrix(), codes.matrix(), "absdiff", 1e-12));
  arma::mat middle, bottom;
  dbn.rbm(1).visible_means(codes.matrix(), middle);
  dbn.rbm(0).visible_means(middle, bottom);
  BOOST_TEST(arma::approx_equal(autoencoder.predict(x).matrix(), bottom, "absdiff", 1e-12));
  const std::vector<Param<double>*> params = autoencoder.params();
  BOOST_TEST(params.size() == 8u);
  BOOST_TEST(arma::approx_equal(params[6]->value, arma::mat(params[0]->value.t()), "absdiff", 0.0));  // W_1ᵀ
  BOOST_TEST(arma::approx_equal(params[4]->value, arma::mat(params[2]->value.t()), "absdiff", 0.0));  // W_2ᵀ
  // Untied: a change to an encoder weight leaves the decoder's copy as it was.
  const arma::mat decoder_before = params[6]->value;
  params[0]->value(0, 0) += 1.0;
  BOOST_TEST(arma::approx_equal(params[6]->value, decoder_before, "absdiff", 0.0));
  params[0]->value(0, 0) -= 1.0;

  // The classifier's hidden layers are the encoder's, weights and all; only the output layer is new.
  Sequential<double> net = dbn.classifier(4, rng);
  BOOST_TEST(net.size() == 4u);
  BOOST_TEST(net.predict(x).sample_size() == 4u);
  Sequential<double> encoders = dbn.encoders();
  const std::vector<Param<double>*> net_params = net.params(), encoder_params = encoders.params();
  BOOST_TEST(net_params.size() == encoder_params.size() + 2);
  for (std::size_t i = 0; i < encoder_params.size(); ++i)
    BOOST_TEST(arma::approx_equal(net_params[i]->value, encoder_params[i]->value, "absdiff", 0.0));

  // The networks without pretraining have the same layers and shapes.
  const DbnOptions options = hinton_salakhutdinov_2006_dbn({8, 3}, 1, true);
  Sequential<double> fresh = random_autoencoder<double>(12, options, rng);
  BOOST_TEST(fresh.size() == autoencoder.size());
  const std::vector<Param<double>*> fresh_params = fresh.params();
  BOOST_REQUIRE(fresh_params.size() == params.size());
  for (std::size_t i = 0; i < params.size(); ++i)
    BOOST_TEST((arma::size(fresh_params[i]->value) == arma::size(params[i]->value)));
  Sequential<double> fresh_net = random_classifier<double>(12, options, 4, rng);
  BOOST_TEST(fresh_net.size() == net.size());
  const std::vector<Param<double>*> fresh_net_params = fresh_net.params();
  BOOST_REQUIRE(fresh_net_params.size() == net_params.size());
  for (std::size_t i = 0; i < net_params.size(); ++i)
    BOOST_TEST((arma::size(fresh_net_params[i]->value) == arma::size(net_params[i]->value)));
  // ... but not the pretrained weights.
  BOOST_TEST(!arma::approx_equal(fresh_net_params[0]->value, net_params[0]->value, "absdiff", 1e-6));
}

// Both unrolled networks are ordinary Dense + activation stacks: backward matches central differences
// through the whole model, for both reconstruction losses and for the softmax classifier.
BOOST_AUTO_TEST_CASE(unrolled_networks_pass_the_gradient_check) {
  Rng rng(7);
  Tensor<double> x(Shape{6, 12});
  rng.fill_uniform(x.matrix(), 0.05, 0.95);
  for (bool linear_code : {true, false}) {
    const Dbn<double> dbn = random_dbn(3, linear_code, 8);
    for (DeepAutoencoderLoss kind : {DeepAutoencoderLoss::squared_error, DeepAutoencoderLoss::cross_entropy}) {
      Sequential<double> autoencoder = dbn.autoencoder();
      const MeanSquaredError<double> mse{};
      const BinaryCrossEntropy<double> bce{};
      const Loss<double>& loss = kind == DeepAutoencoderLoss::squared_error ? static_cast<const Loss<double>&>(mse) : bce;
      test::require_checks(test::check_model_gradients(autoencoder, loss, x, x, 1e-4),
                           std::string("unrolled autoencoder, ") + (linear_code ? "linear" : "sigmoid") + " code, " + loss.name());
    }
    Sequential<double> net = dbn.classifier(3, rng);
    Tensor<double> t(Shape{6, 3});
    t.matrix().zeros();
    for (std::size_t i = 0; i < 6; ++i) t.matrix()(i % 3, i) = 1;
    test::require_checks(test::check_model_gradients(net, SoftmaxCrossEntropy<double>(), x, t, 1e-4), "DBN classifier");
  }
}

// The options are checked before any training, each error naming its option.
BOOST_AUTO_TEST_CASE(bad_options_are_one_line_errors) {
  Rng rng(9);
  Tensor<double> x(Shape{20, 6});
  rng.fill_bernoulli(x.matrix(), 0.5);
  test::check_error<OptionError>([&] { pretrain_dbn<double>(x, DbnOptions{}, rng); }, {"layers: expected at least one RBM layer"});
  DbnOptions zero = hinton_salakhutdinov_2006_dbn({4, 0}, 1, false);
  test::check_error<OptionError>([&] { pretrain_dbn<double>(x, zero, rng); }, {"layers[1].hidden_units: expected at least 1"});
  DbnOptions cd = hinton_salakhutdinov_2006_dbn({4, 3}, 1, false);
  cd.layers[0].training.cd_steps = 0;
  test::check_error<OptionError>([&] { pretrain_dbn<double>(x, cd, rng); }, {"layers[0].training.cd_steps:"});
  DbnOptions middle = hinton_salakhutdinov_2006_dbn({4, 3}, 1, false);
  middle.layers[0].hidden = UnitKind::gaussian;
  test::check_error<OptionError>([&] { pretrain_dbn<double>(x, middle, rng); }, {"layers[0].hidden: a Gaussian (linear) layer must be the top one"});
  DbnOptions both = hinton_salakhutdinov_2006_dbn({4}, 1, true);
  both.visible = UnitKind::gaussian;
  test::check_error<OptionError>([&] { random_autoencoder<double>(6, both, rng); }, {"layers[0].hidden: Gaussian visible and Gaussian hidden"});
  const Dbn<double> dbn = small_dbn(2, false, 10);
  test::check_error<OptionError>([&] { dbn.classifier(1, rng); }, {"classes: expected at least 2"});
  // Layers that do not chain are refused by the constructor.
  Rng init(11);
  std::vector<Rbm<double>> unchained;
  unchained.emplace_back(6, 4, init);
  unchained.emplace_back(5, 3, init);
  test::check_error<Error>([&] { Dbn<double>{std::move(unchained)}; }, {"layer 1 has 5 visible units, layer 0 4 hidden units"});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dbn_io)

BOOST_AUTO_TEST_CASE(save_load_round_trip_and_damaged_files) {
  test::ScratchDir dir("dbn-io");
  const Dbn<double> dbn = small_dbn(3, true, 12);
  const std::string path = dir.file("dbn.h5");
  save_dbn(path, dbn);
  const Dbn<double> again = load_dbn<double>(path);
  BOOST_TEST(again.layers() == 2u);
  BOOST_TEST(again.histories.empty());
  for (std::size_t k = 0; k < 2; ++k) {
    BOOST_TEST((again.rbm(k).visible_kind() == dbn.rbm(k).visible_kind()));
    BOOST_TEST((again.rbm(k).hidden_kind() == dbn.rbm(k).hidden_kind()));
    BOOST_TEST(arma::approx_equal(again.rbm(k).W_value(), dbn.rbm(k).W_value(), "absdiff", 0.0));
    BOOST_TEST(arma::approx_equal(again.rbm(k).visible_bias_value(), dbn.rbm(k).visible_bias_value(), "absdiff", 0.0));
    BOOST_TEST(arma::approx_equal(again.rbm(k).hidden_bias_value(), dbn.rbm(k).hidden_bias_value(), "absdiff", 0.0));
  }
  BOOST_TEST((again.rbm(1).hidden_kind() == UnitKind::gaussian));
  Rng rng(13);
  Tensor<double> x(Shape{5, 12});
  rng.fill_bernoulli(x.matrix(), 0.5);
  BOOST_TEST(arma::approx_equal(again.autoencoder().predict(x).matrix(), dbn.autoencoder().predict(x).matrix(), "absdiff", 0.0));

  // One flipped byte: the checksum catches it, one line naming the file.
  std::vector<std::uint8_t> bytes = test::read_all(path);
  bytes[bytes.size() / 2] ^= 0x40;
  const std::string damaged = dir.file("damaged.h5");
  test::write_bytes(damaged, bytes);
  test::check_error<FileError>([&] { load_dbn<double>(damaged); }, {damaged});

  // One RBM's file is not a DBN; a missing file names itself.
  const std::string single = dir.file("rbm.h5");
  save_rbm(single, dbn.rbm(0));
  test::check_error<FileError>([&] { load_dbn<double>(single); }, {single, "not a lecon DBN"});
  test::check_error<FileError>([&] { load_dbn<double>(dir.file("missing.h5")); }, {dir.file("missing.h5")});

  // A well-formed file whose layers do not chain.
  const std::string unchained = dir.file("unchained.h5");
  {
    H5Writer file(unchained);
    file.set_attribute("/", "format", "lecon-dbn-1");
    file.set_attribute("/", "layers", 2.0);
    for (int k = 0; k < 2; ++k) {
      const std::string g = "rbm" + std::to_string(k);
      const double d = k == 0 ? 6 : 5, m = k == 0 ? 4 : 3;
      file.write(g + "/W", Tensor<double>::from_columns(arma::mat(static_cast<arma::uword>(m), static_cast<arma::uword>(d), arma::fill::zeros)));
      file.write(g + "/b", Tensor<double>::from_columns(arma::mat(static_cast<arma::uword>(d), 1, arma::fill::zeros)));
      file.write(g + "/c", Tensor<double>::from_columns(arma::mat(static_cast<arma::uword>(m), 1, arma::fill::zeros)));
      file.set_attribute(g, "visible_units", d);
      file.set_attribute(g, "hidden_units", m);
      file.set_attribute(g, "visible_kind", 0.0);
      file.set_attribute(g, "hidden_kind", 0.0);
    }
    file.commit();
  }
  test::check_error<FileError>([&] { load_dbn<double>(unchained); }, {unchained, "layer 1 has 5 visible units"});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dbn_mnist)

// A small DBN pretrained on 3,000 real MNIST images (3 epochs per RBM), fine-tuned for 5 epochs under a softmax
// layer: far better than chance (90% error). The same network from Glorot weights, trained alike, is reported beside it
// but not asserted against: at this size and length neither wins reliably (seen: 18.2% pretrained against
// 18.8% with SGD at η = 0.1, momentum 0.9; 20.4% against 17.3% with Adam). The bound is 30%, a third of chance.
BOOST_AUTO_TEST_CASE(pretrained_dbn_classifies_mnist) {
  const char* data_dir = std::getenv("LECON_DATA_DIR");
  BOOST_REQUIRE_MESSAGE(data_dir, "LECON_DATA_DIR is set by CTest");
  const DataSplit mnist = load_data(data_dir, "mnist");
  const std::size_t n = 3000;
  Dataset train = mnist.train.subset(arma::regspace<arma::uvec>(0, n - 1));
  Dataset test = mnist.test.subset(arma::regspace<arma::uvec>(0, 999));
  train.x = train.x.reshaped(Shape{n, 784});
  test.x = test.x.reshaped(Shape{1000, 784});
  const Tensor<float> targets = Tensor<float>::from_columns(one_hot<float>(train.y, 10));

  const auto start = std::chrono::steady_clock::now();
  Rng rng(21);
  DbnOptions options = hinton_salakhutdinov_2006_dbn({200, 100}, 3, false);
  const Dbn<float> dbn = pretrain_dbn<float>(train.x, options, rng);
  BOOST_TEST(dbn.histories[0].reconstruction_error.back() < dbn.histories[0].reconstruction_error.front());

  auto fine_tune = [&](Sequential<float> net) {
    Rng fit_rng(22);
    Adam<float> adam(1e-3);
    fit(net, SoftmaxCrossEntropy<float>(), adam, train.x, targets, FitOptions{5, 100}, fit_rng);
    return percent_wrong(net, test);
  };
  Rng init(23);
  const double pretrained = fine_tune(dbn.classifier(10, init));
  const double from_scratch = fine_tune(random_classifier<float>(784, options, 10, init));
  BOOST_TEST_MESSAGE("784-200-100-10 on 3000 MNIST images, 5 fine-tuning epochs: test error " << pretrained << "% pretrained, " << from_scratch
                     << "% from Glorot weights; " << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s");
  BOOST_TEST(pretrained < 30.0);
}

BOOST_AUTO_TEST_SUITE_END()
