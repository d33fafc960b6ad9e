// Fuzzing the files lecon writes: a few hundred seeded runs of 1-4 flipped bits over a model, a checkpoint
// and a data file. Every run must end in a clean lecon error or load exactly what was saved: no crash, no
// hang (the suite has a CTest timeout), no other exception type, no silently changed number.
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>

#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/loss.hpp"
#include "lecon/backprop/model_io.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/core/data_store.hpp"
#include "lecon/optimizers/adam.hpp"
#include "test_util.hpp"

using namespace lecon;

namespace {

struct Outcome {
  std::size_t clean_error = 0, identical = 0, changed = 0, other_exception = 0;
};

// Flips `flips` distinct random bits of `good`, writes the result to `path` and calls load(); `same` says
// whether what load() returned equals what was saved.
template <typename Load>
Outcome fuzz(const std::string& path, const std::vector<std::uint8_t>& good, std::size_t runs, std::uint64_t seed, Load load) {
  Outcome outcome;
  // The comparison must accept the intact file, or "identical" would mean nothing.
  test::write_bytes(path, good);
  BOOST_REQUIRE_MESSAGE(load(), path << ": the intact file does not load as saved");
  Rng rng(seed);
  for (std::size_t run = 0; run < runs; ++run) {
    std::vector<std::uint8_t> bytes = good;
    const std::size_t flips = 1 + rng.uniform_int(4);
    std::vector<std::size_t> bits;
    while (bits.size() < flips) {
      const std::size_t bit = rng.uniform_int(good.size() * 8);
      if (std::find(bits.begin(), bits.end(), bit) == bits.end()) bits.push_back(bit);
    }
    for (std::size_t bit : bits) bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    test::write_bytes(path, bytes);
    try {
      if (load()) ++outcome.identical;
      else ++outcome.changed;
    } catch (const Error&) {
      ++outcome.clean_error;
    } catch (...) {
      ++outcome.other_exception;
    }
  }
  return outcome;
}

void require_clean(const std::string& what, const Outcome& o, std::size_t runs) {
  BOOST_TEST_MESSAGE(what << ": " << runs << " runs: " << o.clean_error << " clean errors, " << o.identical << " identical loads, "
                          << o.changed << " silent changes, " << o.other_exception << " other exceptions");
  BOOST_TEST(o.changed == 0u);
  BOOST_TEST(o.other_exception == 0u);
  BOOST_TEST(o.clean_error + o.identical == runs);
}

bool same_weights(Sequential<float>& a, Sequential<float>& b) {
  if (a.size() != b.size()) return false;
  const std::vector<Param<float>*> pa = a.params(), pb = b.params();
  if (pa.size() != pb.size()) return false;
  for (std::size_t i = 0; i < pa.size(); ++i)
    if (arma::size(pa[i]->value) != arma::size(pb[i]->value) || arma::any(arma::vectorise(pa[i]->value != pb[i]->value))) return false;
  return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(file_fuzz)

BOOST_AUTO_TEST_CASE(bit_flips_in_models_checkpoints_and_data_files_never_crash_or_change_numbers) {
  test::ScratchDir dir("fuzz");
  // 200 runs per file in make test; LECON_FUZZ_RUNS=N runs more (docs/reliability.md quotes such a run).
  const char* runs_setting = std::getenv("LECON_FUZZ_RUNS");
  const std::size_t kRuns = runs_setting ? std::strtoul(runs_setting, nullptr, 10) : 200;
  Rng rng(42);
  Sequential<float> model;
  model.add<Dense<float>>(6, 5, rng).add<ActivationLayer<float>>(Activation::tanh).add<Dense<float>>(5, 3, rng).add<Softmax<float>>();
  Tensor<float> x(Shape{16, 6}), y(Shape{16, 3});
  rng.fill_normal(x.matrix(), 0.0f, 1.0f);
  y.matrix().zeros();
  for (std::size_t i = 0; i < 16; ++i) y.at(i, i % 3) = 1;
  CategoricalCrossEntropy<float> loss;
  Adam<float> adam;
  FitOptions options;
  options.epochs = 2;
  options.batch_size = 8;
  fit(model, loss, adam, x, y, options, rng);

  // A model file.
  save_model(dir.file("model.h5"), model);
  const std::vector<std::uint8_t> model_bytes = test::read_all(dir.file("model.h5"));
  const Outcome models = fuzz(dir.file("fuzzed.h5"), model_bytes, kRuns, 1, [&] {
    Sequential<float> back = load_model<float>(dir.file("fuzzed.h5"));
    return same_weights(back, model);
  });
  require_clean("model file (" + std::to_string(model_bytes.size()) + " bytes)", models, kRuns);

  // A checkpoint with the whole run's state: the weights, the optimizer's state and the training state
  // (generator, epoch, history) must all come back unchanged.
  TrainingState state(Rng(7));
  FitOptions piece = options;
  piece.finish = false;
  fit(model, loss, adam, x, y, piece, state);
  save_checkpoint(dir.file("checkpoint.h5"), model, adam, state, {});
  const std::vector<std::uint8_t> checkpoint_bytes = test::read_all(dir.file("checkpoint.h5"));
  const Outcome checkpoints = fuzz(dir.file("fuzzed.h5"), checkpoint_bytes, kRuns, 2, [&] {
    Sequential<float> back;
    Adam<float> back_adam;
    TrainingState back_state(Rng(0));
    load_checkpoint(dir.file("fuzzed.h5"), back, back_adam, back_state, {});
    if (back_state.epoch != state.epoch || back_state.rng.state() != state.rng.state() ||
        back_state.history.metrics != state.history.metrics || back_adam.iterations() != adam.iterations())
      return false;
    // One step from each must give identical weights (the optimizer's moments included).
    Sequential<float> again;
    Adam<float> again_adam;
    TrainingState again_state(Rng(0));
    load_checkpoint(dir.file("checkpoint.h5"), again, again_adam, again_state, {});
    fit(back, loss, back_adam, x, y, FitOptions{}, back_state);
    fit(again, loss, again_adam, x, y, FitOptions{}, again_state);
    return same_weights(back, again);
  });
  require_clean("checkpoint (" + std::to_string(checkpoint_bytes.size()) + " bytes)", checkpoints, kRuns);

  // A data file of pixels, as the converter writes them.
  DataSplit split;
  for (Dataset* part : {&split.train, &split.test}) {
    const std::size_t n = part == &split.train ? 60 : 20;
    part->x = Tensor<Real>(Shape{n, 1, 4, 4});
    for (std::size_t j = 0; j < part->x.size(); ++j) part->x.data()[j] = static_cast<Real>((j * 37) % 256) / Real(255);
    part->y = arma::regspace<arma::uvec>(0, n - 1);
    part->y.transform([](arma::uword v) { return v % 3; });
    part->class_names = {"a", "b", "c"};
    part->name = "tiny";
  }
  split.source = "fuzz test";
  save_data(dir.file("tiny.h5"), split, true);
  std::filesystem::create_directory(dir.file("data"));
  const std::vector<std::uint8_t> data_bytes = test::read_all(dir.file("tiny.h5"));
  const Outcome data = fuzz(dir.file("fuzzed.h5"), data_bytes, kRuns, 3, [&] {
    std::filesystem::rename(dir.file("fuzzed.h5"), dir.file("data") + "/tiny.h5");
    const DataSplit back = load_data(dir.file("data"), "tiny");
    return arma::approx_equal(back.train.x.matrix(), split.train.x.matrix(), "absdiff", 0.0f) &&
           arma::approx_equal(back.test.x.matrix(), split.test.x.matrix(), "absdiff", 0.0f) && arma::all(back.train.y == split.train.y) &&
           arma::all(back.test.y == split.test.y) && back.train.class_names == split.train.class_names && back.source == split.source;
  });
  require_clean("data file (" + std::to_string(data_bytes.size()) + " bytes)", data, kRuns);
}

BOOST_AUTO_TEST_SUITE_END()
