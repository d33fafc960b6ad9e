// modules/rnn: gradient checks through time for every cell (input and every parameter, double), the
// standard LSTM and the GRU against torch.nn.LSTM / torch.nn.GRU (tests/rnn/torch_reference.txt, written
// once by make_torch_reference.py; no PyTorch needed here), masks, truncated BPTT, gradient clipping, the
// adding problem, model files and bad options.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/gradient_check.hpp"
#include "lecon/backprop/loss.hpp"
#include "lecon/backprop/model_io.hpp"
#include "lecon/optimizers/adam.hpp"
#include "lecon/rnn/bidirectional.hpp"
#include "lecon/rnn/gradient_clipping.hpp"
#include "lecon/rnn/gru.hpp"
#include "lecon/rnn/lstm.hpp"
#include "lecon/rnn/rnn_layers.hpp"
#include "lecon/rnn/sequence.hpp"
#include "lecon/rnn/sequence_loss.hpp"
#include "lecon/rnn/simple_rnn.hpp"
#include "lecon/rnn/slide_lstm.hpp"
#include "lecon/rnn/time_distributed.hpp"
#include "gradient_test_util.hpp"
#include "test_util.hpp"
#include "worse.hpp"

using namespace lecon;

namespace {

using test::require_checks;

const std::vector<RecurrentCell> kCells = {RecurrentCell::simple_rnn, RecurrentCell::lstm, RecurrentCell::slide_lstm, RecurrentCell::gru};

Tensor<double> random_sequences(std::size_t n, std::size_t steps, std::size_t d, Rng& rng) {
  Tensor<double> x(Shape{n, steps, d});
  rng.fill_normal(x.matrix(), 0.0, 1.0);
  return x;
}

// Layers run one after the other as one layer, so that a stack is checked by check_layer_gradients_at.
class Chain : public Layer<double> {
 public:
  Chain& add(LayerPtr<double> layer) {
    layers_.push_back(std::move(layer));
    outputs_.resize(layers_.size());
    gradients_.resize(layers_.size());
    return *this;
  }
  std::string kind() const override { return "Chain"; }
  Shape output_shape(const Shape& input) const override {
    Shape s = input;
    for (const auto& l : layers_) s = l->output_shape(s);
    return s;
  }
  void forward(const Tensor<double>& x, Tensor<double>& y, const Context& ctx) override {
    const Tensor<double>* in = &x;
    for (std::size_t i = 0; i < layers_.size(); ++i) {
      layers_[i]->forward(*in, outputs_[i], ctx);
      in = &outputs_[i];
    }
    y = *in;
  }
  void backward(const Tensor<double>& dy, Tensor<double>* dx) override {
    const Tensor<double>* up = &dy;
    for (std::size_t i = layers_.size(); i-- > 0;) {
      layers_[i]->backward(*up, i == 0 ? dx : &gradients_[i]);
      up = &gradients_[i];
    }
  }
  std::vector<Param<double>*> params() override {
    std::vector<Param<double>*> all;
    for (auto& l : layers_)
      for (Param<double>* p : l->params()) all.push_back(p);
    return all;
  }

 private:
  std::vector<LayerPtr<double>> layers_;
  std::vector<Tensor<double>> outputs_, gradients_;
};

// The arrays of tests/rnn/torch_reference.txt by name: shape and values in C order.
struct Array {
  std::vector<std::size_t> shape;
  std::vector<double> values;
};
std::map<std::string, Array> torch_reference() {
  const char* data = std::getenv("LECON_DATA_DIR");
  const std::filesystem::path root = data ? std::filesystem::path(data) / ".." : std::filesystem::path(__FILE__).parent_path() / ".." / "..";
  const std::string path = (root / "tests" / "rnn" / "torch_reference.txt").string();
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read (run /usr/bin/python3 tests/rnn/make_torch_reference.py)");
  std::map<std::string, Array> arrays;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name, dims;
    fields >> name >> dims;
    Array a;
    std::istringstream dim_list(dims);
    for (std::string dim; std::getline(dim_list, dim, ',');) a.shape.push_back(std::stoul(dim));
    for (double v; fields >> v;) a.values.push_back(v);
    arrays[name] = a;
  }
  return arrays;
}
// A (rows x cols) C-order array as an Armadillo matrix.
arma::mat matrix_of(const Array& a) {
  const std::size_t rows = a.shape.at(0), cols = a.shape.size() > 1 ? a.shape[1] : 1;
  arma::mat m(rows, cols);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) m(r, c) = a.values.at(r * cols + c);
  return m;
}
// An (n, ...) C-order array as the tensor's (sample_size x n) matrix: the same memory.
arma::mat columns_of(const Array& a) {
  const std::size_t n = a.shape.at(0), per_sample = a.values.size() / n;
  return arma::mat(a.values.data(), per_sample, n);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rnn_gradients)

// Every cell, many-to-one and many-to-many, forward and reversed, 7 steps: ∂L/∂x and every parameter.
BOOST_AUTO_TEST_CASE(every_cell_through_seven_steps) {
  Rng rng(1);
  for (RecurrentCell cell : kCells)
    for (bool sequences : {false, true})
      for (bool reverse : {false, true}) {
        RecurrentOptions options(4);
        options.sequences(sequences).reversed(reverse);
        std::unique_ptr<Recurrent<double>> layer = make_recurrent<double>(cell, 3, options, rng);
        require_checks(check_layer_gradients(*layer, Shape{3, 7, 3}, rng),
                       cell_name(cell) + (sequences ? " many-to-many" : " many-to-one") + (reverse ? " reversed" : ""));
      }
}

// Unequal lengths (7, 4, 1, 6 steps of 7): the state at each sequence's own last step, and per-step outputs.
BOOST_AUTO_TEST_CASE(every_cell_with_unequal_lengths) {
  Rng rng(2);
  for (RecurrentCell cell : kCells)
    for (bool sequences : {false, true}) {
      RecurrentOptions options(4);
      options.sequences(sequences).with_mask();
      std::unique_ptr<Recurrent<double>> layer = make_recurrent<double>(cell, 3, options, rng);
      const Tensor<double> x = with_mask(random_sequences(4, 7, 3, rng), {7, 4, 1, 6});
      require_checks(check_layer_gradients_at(*layer, x, rng), cell_name(cell) + " masked" + (sequences ? " many-to-many" : " many-to-one"));
    }
}

// Deep paths have gradient entries near 1e-5, where the central difference's rounding error (ε·|L|/h) is
// 1e-6 of the entry at h = 1e-5; these checks use h = 1e-4 (measured: the worst entry goes from 1e-5 to
// 4e-7, as rounding predicts; a wrong backward stays near 1e-2).
constexpr double kDeepStep = 1e-4;

BOOST_AUTO_TEST_CASE(bidirectional_stacked_and_time_distributed) {
  Rng rng(3);
  for (RecurrentCell cell : kCells) {
    for (bool sequences : {false, true}) {
      RecurrentOptions options(3);
      options.sequences(sequences);
      Bidirectional<double> bi(cell, 2, options, rng);
      require_checks(check_layer_gradients(bi, Shape{2, 6, 2}, rng, true, kDeepStep), "Bidirectional " + cell_name(cell) + (sequences ? " sequences" : ""));
    }
    RecurrentOptions masked(3);
    masked.with_mask();
    Bidirectional<double> bi(cell, 2, masked, rng);
    require_checks(check_layer_gradients_at(bi, with_mask(random_sequences(3, 6, 2, rng), {6, 3, 5}), rng),
                   "Bidirectional " + cell_name(cell) + " masked");
  }
  // A stack on unequal lengths: LSTM (sequences, the mask passed on) -> bidirectional GRU (sequences) ->
  // slide LSTM (last state) -> Dense; and a many-to-many stack ending in TimeDistributed(Dense).
  Chain stack;
  stack.add(std::make_unique<LSTM<double>>(2, RecurrentOptions(3).sequences().with_mask(), rng))
      .add(std::make_unique<Bidirectional<double>>(RecurrentCell::gru, 3, RecurrentOptions(2).sequences().with_mask(), rng))
      .add(std::make_unique<SlideLSTM<double>>(4, RecurrentOptions(3).with_mask(), rng))
      .add(std::make_unique<Dense<double>>(3, 2, rng));
  require_checks(check_layer_gradients_at(stack, with_mask(random_sequences(3, 6, 2, rng), {6, 2, 4}), rng, true, kDeepStep), "stack LSTM/BiGRU/SlideLSTM/Dense masked");
  Chain many;
  many.add(std::make_unique<SimpleRNN<double>>(2, RecurrentOptions(3).sequences(), rng))
      .add(std::make_unique<GRU<double>>(3, RecurrentOptions(3).sequences(), rng))
      .add(std::make_unique<TimeDistributedDense<double>>(3, 2, rng));
  require_checks(check_layer_gradients(many, Shape{2, 6, 2}, rng), "stack RNN/GRU/TimeDistributedDense");
  Chain many_masked;
  many_masked.add(std::make_unique<LSTM<double>>(2, RecurrentOptions(3).sequences().with_mask(), rng))
      .add(std::make_unique<TimeDistributedDense<double>>(3, 2, rng, true));
  require_checks(check_layer_gradients_at(many_masked, with_mask(random_sequences(3, 6, 2, rng), {6, 2, 4}), rng),
                 "stack LSTM/TimeDistributedDense masked");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rnn_torch)

// Sets a PyTorch-layout cell's four parameters from the reference case.
template <typename Cell>
void load_weights(Cell& layer, const std::map<std::string, Array>& ref, const std::string& c) {
  layer.weight_ih().value = matrix_of(ref.at(c + "/weight_ih"));
  layer.weight_hh().value = matrix_of(ref.at(c + "/weight_hh"));
  layer.bias_ih().value = matrix_of(ref.at(c + "/bias_ih"));
  layer.bias_hh().value = matrix_of(ref.at(c + "/bias_hh"));
}

template <typename Cell>
void compare_with_torch(const std::string& c, bool packed) {
  const std::map<std::string, Array> ref = torch_reference();
  const Array& xa = ref.at(c + "/x");
  const std::size_t n = xa.shape[0], steps = xa.shape[1], d = xa.shape[2], H = ref.at(c + "/weight_hh").shape[1];
  Rng rng(0);
  RecurrentOptions options(H);
  options.sequences(!packed).with_mask(packed);
  Cell layer(d, options, rng);
  load_weights(layer, ref, c);
  Tensor<double> x(Shape{n, steps, d}, columns_of(xa));
  if (packed) x = with_mask(x, {7, 4, 2});  // the script's lengths
  Tensor<double> y, dx;
  layer.forward(x, y, Context{});
  const arma::mat expected = columns_of(ref.at(c + "/output"));
  BOOST_TEST_MESSAGE(c << " output: max |lecon - torch| = " << test::max_abs(y.matrix() - expected));
  BOOST_TEST(test::max_abs(y.matrix() - expected) < 1e-6);
  Tensor<double> r(y.shape(), columns_of(ref.at(c + "/r")));
  layer.backward(r, &dx);
  arma::mat dx_features = dx.matrix();
  if (packed) {  // drop the mask feature: (n, T, 1 + d) -> (n, T, d)
    arma::mat plain(steps * d, n);
    for (std::size_t t = 0; t < steps; ++t) plain.rows(t * d, t * d + d - 1) = dx.matrix().rows(t * (d + 1) + 1, t * (d + 1) + d);
    dx_features = plain;
  }
  BOOST_TEST_MESSAGE(c << " ∂L/∂x: max difference " << test::max_abs(dx_features - columns_of(ref.at(c + "/grad_x"))));
  BOOST_TEST(test::max_abs(dx_features - columns_of(ref.at(c + "/grad_x"))) < 1e-6);
  for (Param<double>* p : layer.params()) {
    const double difference = test::max_abs(p->grad - matrix_of(ref.at(c + "/grad_" + p->name)));
    BOOST_TEST_MESSAGE(c << " ∂L/∂" << p->name << ": max difference " << difference);
    BOOST_TEST(difference < 1e-6, c << " ∂L/∂" << p->name << " differs from PyTorch's by " << difference);
  }
}

BOOST_AUTO_TEST_CASE(lstm_equals_torch_nn_lstm) { compare_with_torch<LSTM<double>>("lstm", false); }
BOOST_AUTO_TEST_CASE(gru_equals_torch_nn_gru) { compare_with_torch<GRU<double>>("gru", false); }
// Masked many-to-one against pack_padded_sequence's h_n: the state at each sequence's own last step.
BOOST_AUTO_TEST_CASE(masked_lstm_equals_packed_sequences) { compare_with_torch<LSTM<double>>("lstm_packed", true); }
BOOST_AUTO_TEST_CASE(masked_gru_equals_packed_sequences) { compare_with_torch<GRU<double>>("gru_packed", true); }

// The float cells compute σ and tanh with a vectorisable polynomial exp (modules/rnn/src/lstm_gates.hpp); the
// double cells, with libm, are their specification (and equal PyTorch above). For every cell: same weights,
// same inputs through 30 steps, gates driven into saturation (pre-activations up to about ±20): outputs and
// every gradient agree to float precision.
BOOST_AUTO_TEST_CASE(float_cells_equal_the_double_specification) {
  for (RecurrentCell cell : kCells) {
    Rng rng(31);
    std::unique_ptr<Recurrent<double>> reference = make_recurrent<double>(cell, 5, RecurrentOptions(16).sequences(), rng);
    std::unique_ptr<Recurrent<float>> fast = make_recurrent<float>(cell, 5, RecurrentOptions(16).sequences(), rng);
    const std::size_t count = reference->params().size();
    BOOST_REQUIRE_EQUAL(fast->params().size(), count);
    for (std::size_t p = 0; p < count; ++p) {
      reference->params()[p]->value *= 4.0;  // weights ±1: saturating gates as well as the linear range
      fast->params()[p]->value = arma::conv_to<arma::fmat>::from(reference->params()[p]->value);
    }
    Tensor<double> x(Shape{9, 30, 5});
    rng.fill_normal(x.matrix(), 0.0, 2.0);
    Tensor<float> xf(x.shape(), arma::conv_to<arma::fmat>::from(x.matrix()));
    Tensor<double> y, dx;
    Tensor<float> yf, dxf;
    reference->forward(x, y, Context{});
    fast->forward(xf, yf, Context{});
    BOOST_TEST(test::max_abs(arma::conv_to<arma::mat>::from(yf.matrix()) - y.matrix()) < 2e-5, "cell " << int(cell));
    Tensor<double> dy(y.shape());
    rng.fill_normal(dy.matrix(), 0.0, 1.0);
    reference->backward(dy, &dx);
    fast->backward(Tensor<float>(dy.shape(), arma::conv_to<arma::fmat>::from(dy.matrix())), &dxf);
    BOOST_TEST(test::max_abs(arma::conv_to<arma::mat>::from(dxf.matrix()) - dx.matrix()) < 1e-4 * (1 + test::max_abs(dx.matrix())),
               "cell " << int(cell));
    for (std::size_t p = 0; p < count; ++p) {
      const arma::mat& g = reference->params()[p]->grad;
      const double difference = test::max_abs(arma::conv_to<arma::mat>::from(fast->params()[p]->grad) - g);
      BOOST_TEST(difference < 1e-4 * (1 + test::max_abs(g)), "cell " << int(cell) << ": " << reference->params()[p]->name << " differs by " << difference);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rnn_masking)

// A masked batch gives, for each sequence, what the unmasked layer gives on that sequence alone without
// padding; whatever stands in the padding changes nothing, in the outputs or in any gradient.
BOOST_AUTO_TEST_CASE(padding_after_the_end_changes_nothing) {
  Rng rng(5);
  const std::vector<std::size_t> lengths = {5, 2, 8, 3};
  for (RecurrentCell cell : kCells)
    for (bool reverse : {false, true}) {
      Rng init(11);
      std::unique_ptr<Recurrent<double>> masked = make_recurrent<double>(cell, 2, RecurrentOptions(3).with_mask().reversed(reverse), init);
      Tensor<double> x = with_mask(random_sequences(4, 8, 2, rng), lengths);
      Tensor<double> y, dx;
      masked->forward(x, y, Context{});
      Tensor<double> dy(y.shape());
      rng.fill_normal(dy.matrix(), 0.0, 1.0);
      masked->backward(dy, &dx);
      // Garbage in the padding: same outputs, same gradients.
      Tensor<double> noisy = x;
      for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t t = lengths[i]; t < 8; ++t) noisy.matrix()(t * 3 + 1, i) = 100.0 + static_cast<double>(t);
      Tensor<double> y2, dx2;
      masked->forward(noisy, y2, Context{});
      const std::vector<arma::mat> grads = [&] {
        std::vector<arma::mat> g;
        for (Param<double>* p : masked->params()) g.push_back(p->grad);
        return g;
      }();
      masked->backward(dy, &dx2);
      BOOST_TEST(test::max_abs(y2.matrix() - y.matrix()) == 0.0);
      BOOST_TEST(test::max_abs(dx2.matrix() - dx.matrix()) == 0.0);
      for (std::size_t k = 0; k < grads.size(); ++k) BOOST_TEST(test::max_abs(masked->params()[k]->grad - grads[k]) == 0.0);
      // Each sequence alone, unpadded, through the same weights without a mask.
      std::vector<arma::mat> grad_sums(masked->params().size());
      for (std::size_t i = 0; i < 4; ++i) {
        Rng same(11);
        std::unique_ptr<Recurrent<double>> alone = make_recurrent<double>(cell, 2, RecurrentOptions(3).reversed(reverse), same);
        Tensor<double> xi(Shape{1, lengths[i], 2});
        for (std::size_t t = 0; t < lengths[i]; ++t) xi.matrix().rows(t * 2, t * 2 + 1) = x.matrix().submat(t * 3 + 1, i, t * 3 + 2, i);
        Tensor<double> yi, dxi;
        alone->forward(xi, yi, Context{});
        BOOST_TEST(test::max_abs(yi.matrix().col(0) - y.matrix().col(i)) < 1e-12, cell_name(cell) << " sequence " << i);
        alone->backward(Tensor<double>(yi.shape(), arma::mat(dy.matrix().col(i))), &dxi);
        for (std::size_t t = 0; t < lengths[i]; ++t)
          BOOST_TEST(test::max_abs(dxi.matrix().rows(t * 2, t * 2 + 1) - dx.matrix().submat(t * 3 + 1, i, t * 3 + 2, i)) < 1e-12);
        for (std::size_t k = 0; k < grad_sums.size(); ++k) {
          const arma::mat& g = alone->params()[k]->grad;
          grad_sums[k] = grad_sums[k].is_empty() ? g : arma::mat(grad_sums[k] + g);
        }
      }
      for (std::size_t k = 0; k < grad_sums.size(); ++k)
        BOOST_TEST(test::max_abs(grad_sums[k] - masked->params()[k]->grad) < 1e-12,
                   cell_name(cell) << ": the batch's gradient of " << masked->params()[k]->name << " is the sum of the sequences'");
    }
}

BOOST_AUTO_TEST_CASE(mask_helpers_and_bad_masks) {
  Rng rng(6);
  const Tensor<double> x = with_mask(random_sequences(3, 5, 2, rng), {5, 1, 3});
  BOOST_TEST((x.shape() == Shape{3, 5, 3}));
  BOOST_TEST((sequence_lengths(x) == std::vector<std::size_t>{5, 1, 3}));
  test::check_error<Error>([&] { with_mask(random_sequences(2, 5, 2, rng), {6, 1}); }, {"with_mask", "length 6", "[1, 5]"});
  Tensor<double> gap = x;
  gap.matrix()(4 * 3, 1) = 1.0;  // sample 1: a real step after padding
  LSTM<double> lstm(2, RecurrentOptions(2).with_mask(), rng);
  Tensor<double> y;
  test::check_error<Error>([&] { lstm.forward(gap, y, Context{}); }, {"LSTM", "sample 1", "t = 4", "after padding"});
}

// Softmax per step: the gradient checks, padded steps count for nothing, and each step is an ordinary
// softmax cross-entropy (so the mean of per-step losses).
BOOST_AUTO_TEST_CASE(sequence_softmax_crossentropy) {
  Rng rng(12);
  Tensor<double> z = random_sequences(3, 4, 5, rng), t(Shape{3, 4, 5});
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t s = 0; s < 4; ++s)
      if (!(i == 1 && s >= 2)) t.matrix()(s * 5 + (i + 2 * s) % 5, i) = 1.0;  // sequence 1 padded after 2 steps
  SequenceSoftmaxCrossEntropy<double> loss;
  const GradientCheck check = check_loss_gradient(loss, z, t);
  BOOST_TEST(check.max_relative_error < test::kGradientTolerance);
  double by_hand = 0;
  SoftmaxCrossEntropy<double> one_step;
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t s = 0; s < 4; ++s) {
      if (i == 1 && s >= 2) continue;
      by_hand += one_step.value(Tensor<double>::from_columns(z.matrix().submat(s * 5, i, s * 5 + 4, i)),
                                Tensor<double>::from_columns(t.matrix().submat(s * 5, i, s * 5 + 4, i)));
    }
  BOOST_TEST(loss.value(z, t) == by_hand / 10.0, boost::test_tools::tolerance(1e-12));
  Tensor<double> dz;
  loss.gradient(z, t, dz);
  BOOST_TEST(test::max_abs(dz.matrix().submat(2 * 5, 1, 4 * 5 - 1, 1)) == 0.0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rnn_bptt)

// Truncated BPTT with k >= T is full BPTT, to the bit; with k < T it differs (the truncation acts).
BOOST_AUTO_TEST_CASE(truncation_at_least_T_equals_full_bptt) {
  Rng rng(7);
  for (RecurrentCell cell : kCells) {
    const Tensor<double> x = random_sequences(3, 8, 2, rng);
    Tensor<double> dy(Shape{3, 8, 3});
    rng.fill_normal(dy.matrix(), 0.0, 1.0);
    auto gradients = [&](std::optional<std::size_t> k) {
      Rng init(3);
      RecurrentOptions options(3);
      options.sequences();
      options.truncation = k;
      std::unique_ptr<Recurrent<double>> layer = make_recurrent<double>(cell, 2, options, init);
      Tensor<double> y, dx;
      layer->forward(x, y, Context{});
      layer->backward(dy, &dx);
      std::vector<arma::mat> g{dx.matrix()};
      for (Param<double>* p : layer->params()) g.push_back(p->grad);
      return g;
    };
    const std::vector<arma::mat> full = gradients(std::nullopt), k8 = gradients(8), k20 = gradients(20), k3 = gradients(3);
    double difference_3 = 0;
    for (std::size_t i = 0; i < full.size(); ++i) {
      BOOST_TEST(test::max_abs(full[i] - k8[i]) == 0.0);
      BOOST_TEST(test::max_abs(full[i] - k20[i]) == 0.0);
      difference_3 = std::max(difference_3, test::max_abs(full[i] - k3[i]));
    }
    BOOST_TEST(difference_3 > 1e-6, cell_name(cell) << ": truncation at 3 of 8 steps changed nothing");
  }
}

// k = 1 for the simple RNN: each step's weight gradient sees only its own output's δ.
BOOST_AUTO_TEST_CASE(truncation_one_keeps_only_the_local_gradient) {
  Rng rng(8);
  SimpleRNN<double> rnn(2, RecurrentOptions(3).sequences().truncated(1), rng);
  const Tensor<double> x = random_sequences(2, 5, 2, rng);
  Tensor<double> y, dy(Shape{2, 5, 3}), dx;
  rng.fill_normal(dy.matrix(), 0.0, 1.0);
  rnn.forward(x, y, Context{});
  rnn.backward(dy, &dx);
  arma::mat expected(3, 2, arma::fill::zeros);
  for (std::size_t t = 0; t < 5; ++t) {
    const arma::mat h = rnn.state(t);
    const arma::mat delta = dy.matrix().rows(t * 3, t * 3 + 2) % (1 - arma::square(h));
    expected += delta * x.matrix().rows(t * 2, t * 2 + 1).t();
    BOOST_TEST(test::max_abs(rnn.state_gradient(t) - dy.matrix().rows(t * 3, t * 3 + 2)) == 0.0);
  }
  BOOST_TEST(test::max_abs(rnn.weight_ih().grad - expected) < 1e-12);
}

BOOST_AUTO_TEST_CASE(clipping_by_global_norm) {
  Param<double> a, b;
  a.grad = {{3.0, 0.0}};
  b.grad = arma::mat{0.0, 4.0}.t();  // ‖g‖ = 5
  std::vector<Param<double>*> params{&a, &b};
  BOOST_TEST(clip_gradient_norm(params, 10.0) == 5.0);
  BOOST_TEST(a.grad(0, 0) == 3.0);  // below c: unchanged
  BOOST_TEST(clip_gradient_norm(params, 1.0) == 5.0);
  BOOST_TEST(a.grad(0, 0) == 0.6, boost::test_tools::tolerance(1e-12));  // scaled by c / ‖g‖: direction kept
  BOOST_TEST(b.grad(1, 0) == 0.8, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(clip_gradient_norm(params, 1.0) == 1.0, boost::test_tools::tolerance(1e-12));
  // An overflowed gradient cannot be rescaled (inf · 0 = NaN; a NaN norm skips the test): an error.
  Param<double> overflowed;
  overflowed.grad = {{std::numeric_limits<double>::infinity(), 1.0}};
  test::check_error<Error>([&] { clip_gradient_norm(std::vector<Param<double>*>{&overflowed}, 1.0); }, {"clip_gradient_norm: the gradient norm is inf"});
  overflowed.grad(0, 0) = std::nan("");
  test::check_error<Error>([&] { clip_gradient_norm(std::vector<Param<double>*>{&overflowed}, 1.0); }, {"clip_gradient_norm: the gradient norm is nan"});
  GradientClipping<double> observer(0.5);
  observer.after_backward(params);
  BOOST_TEST(observer.last_norm() == 1.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(observer.clipped_batches() == 1u);
  BOOST_TEST(std::hypot(a.grad(0, 0), b.grad(1, 0)) == 0.5, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

// [paper: Hochreiter & Schmidhuber 1997, experiment 4] the adding problem: each step holds a value in
// U(0, 1) and a marker; exactly two steps are marked, one in each half; the target is their sum.
// Predicting 1 always gives MSE 1/6 ≈ 0.167.  x: (n, T, 2), y: (n, 1)
void adding_problem(std::size_t n, std::size_t steps, Rng& rng, Tensor<float>& x, Tensor<float>& y) {
  x = Tensor<float>(Shape{n, steps, 2});
  y = Tensor<float>(Shape{n, 1});
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t t = 0; t < steps; ++t) x.matrix()(t * 2, i) = static_cast<float>(rng.uniform());
    const std::size_t first = rng.next_u64() % (steps / 2), second = steps / 2 + rng.next_u64() % (steps - steps / 2);
    x.matrix()(first * 2 + 1, i) = 1.0f;
    x.matrix()(second * 2 + 1, i) = 1.0f;
    y.matrix()(0, i) = x.matrix()(first * 2, i) + x.matrix()(second * 2, i);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rnn_training)

BOOST_AUTO_TEST_CASE(an_lstm_solves_the_adding_problem) {
  Rng rng(2014);
  Tensor<float> x, y, x_test, y_test;
  adding_problem(4000, 12, rng, x, y);
  adding_problem(1000, 12, rng, x_test, y_test);
  Sequential<float> model;
  model.add<LSTM<float>>(2, RecurrentOptions(16), rng).add<Dense<float>>(16, 1, rng);
  MeanSquaredError<float> mse;
  Adam<float> adam(0.01);
  GradientClipping<float> clip(1.0);
  FitOptions options;
  options.epochs = 12;
  options.batch_size = 32;
  options.accuracy = false;
  const auto start = std::chrono::steady_clock::now();
  fit(model, mse, adam, x, y, options, rng, {&clip});
  const double test_mse = evaluate(model, mse, x_test, y_test).loss;
  BOOST_TEST_MESSAGE("adding problem T = 12: LSTM test MSE " << test_mse << " (predicting 1: 0.167) in "
                                                              << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s");
  BOOST_TEST(test_mse < 0.01);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rnn_model_io)

// A trained recurrent model (every cell, bidirectional, masked, time-distributed) saved and loaded gives
// the same predictions, bit for bit.
BOOST_AUTO_TEST_CASE(trained_models_round_trip) {
  register_rnn_layers();
  test::ScratchDir dir("rnn-model-io");
  Rng rng(9);
  Tensor<float> x, y;
  adding_problem(256, 8, rng, x, y);
  Sequential<float> model;
  model.add<LSTM<float>>(2, RecurrentOptions(4).sequences().truncated(5), rng)
      .add<GRU<float>>(4, RecurrentOptions(4).sequences(), rng)
      .add<Bidirectional<float>>(RecurrentCell::slide_lstm, 4, RecurrentOptions(3).sequences(), rng)
      .add<TimeDistributedDense<float>>(6, 2, rng)
      .add<SimpleRNN<float>>(2, RecurrentOptions(3), rng)
      .add<Dense<float>>(3, 1, rng);
  MeanSquaredError<float> mse;
  Adam<float> adam(0.01);
  FitOptions options;
  options.epochs = 2;
  options.accuracy = false;
  fit(model, mse, adam, x, y, options, rng);
  save_model(dir.file("rnn.h5"), model);
  Sequential<float> loaded = load_model<float>(dir.file("rnn.h5"));
  BOOST_TEST(loaded.size() == model.size());
  BOOST_TEST(loaded.layer(2).kind() == "Bidirectional");
  BOOST_TEST(test::max_abs(loaded.predict(x).matrix() - model.predict(x).matrix()) == 0.0f);
  BOOST_TEST(dynamic_cast<LSTM<float>&>(loaded.layer(0)).options().truncation.value_or(0) == 5u);
  // A masked model.
  Sequential<float> masked;
  masked.add<LSTM<float>>(2, RecurrentOptions(3).sequences().with_mask(), rng).add<TimeDistributedDense<float>>(3, 1, rng, true);
  save_model(dir.file("masked.h5"), masked);
  Sequential<float> masked_loaded = load_model<float>(dir.file("masked.h5"));
  std::vector<std::size_t> lengths(256);
  for (std::size_t i = 0; i < 256; ++i) lengths[i] = 1 + i % 8;
  const Tensor<float> xm = with_mask(x, lengths);
  BOOST_TEST(test::max_abs(masked_loaded.predict(xm).matrix() - masked.predict(xm).matrix()) == 0.0f);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rnn_options)

BOOST_AUTO_TEST_CASE(bad_options_are_one_line_errors_naming_the_option) {
  Rng rng(10);
  test::check_error<OptionError>([&] { LSTM<float>(3, RecurrentOptions(0), rng); }, {"hidden_units", "0"});
  test::check_error<OptionError>([&] { GRU<float>(3, RecurrentOptions(4).truncated(0), rng); }, {"truncation", "0"});
  test::check_error<OptionError>([&] { GradientClipping<float>(0.0); }, {"clip", "> 0"});
  test::check_error<OptionError>([&] { GradientClipping<float>(-1.0); }, {"clip"});
  std::vector<Param<float>*> none;
  test::check_error<OptionError>([&] { clip_gradient_norm(none, std::nan("")); }, {"clip"});
  test::check_error<OptionError>([&] { cell_from_name("lstn"); }, {"cell", "lstn", "slide_lstm"});
  test::check_error<OptionError>([&] { SimpleRNN<float>(0, RecurrentOptions(2), rng); }, {"inputs"});
  LSTM<float> lstm(3, RecurrentOptions(2), rng);
  Tensor<float> y;
  test::check_error<Error>([&] { lstm.forward(Tensor<float>(Shape{2, 5, 4}), y, Context{}); }, {"LSTM", "(2, 5, 4)", "(n, T, 3)"});
}

BOOST_AUTO_TEST_SUITE_END()
