// Synchronous data parallelism over MPI, run as `mpirun -np 2 data_parallel_test` (tests/CMakeLists.txt):
// 20 steps of data-parallel SGD and Adam on 2 ranks give the weights one process reaches on the combined
// batches, within 1e-6 relative, in double — the definition of synchronous data parallelism; models that
// differ between the ranks are refused on every rank. Rank 0 prints the verdict (docs/distributed.md).
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <memory>

#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/loss.hpp"
#include "lecon/backprop/model_io.hpp"
#include "lecon/core/error.hpp"
#include "lecon/distributed/data_parallel.hpp"
#include "lecon/optimizers/adam.hpp"
#include "lecon/optimizers/sgd.hpp"
#include "lecon/rnn/sequence_loss.hpp"
#include "lecon/rnn/time_distributed.hpp"
#include "worse.hpp"

using namespace lecon;

namespace {

int failures = 0;

std::string sci(double v) {
  std::ostringstream out;
  out << std::scientific << std::setprecision(2) << v;
  return out.str();
}

void expect(bool ok, const std::string& what) {
  if (!ok) ++failures;
  if (mpi_rank() == 0 || !ok) std::cout << "rank " << mpi_rank() << ": " << (ok ? "ok: " : "FAILED: ") << what << std::endl;
}

template <typename T>
Sequential<T> make_model(std::size_t inputs, std::size_t hidden, std::uint64_t seed) {
  Rng rng(seed);
  Sequential<T> model;
  model.template add<Dense<T>>(inputs, hidden, rng).template add<ActivationLayer<T>>(Activation::tanh).template add<Dense<T>>(hidden, 3, rng);
  return model;
}

template <typename T>
void data(std::size_t n, Tensor<T>& x, Tensor<T>& y) {
  Rng rng(5);
  arma::Mat<T> features(6, n), targets(3, n, arma::fill::zeros);
  rng.fill_normal(features, T(0), T(1));
  for (arma::uword j = 0; j < n; ++j) targets(j % 3, j) = 1;
  features.row(0) += 0.5 * targets.row(1);
  x = Tensor<T>::from_columns(features);
  y = Tensor<T>::from_columns(targets);
}

double max_relative_difference(Sequential<double>& a, Sequential<double>& b) {
  double worst = 0;
  const std::vector<Param<double>*> pa = a.params(), pb = b.params();
  for (std::size_t k = 0; k < pa.size(); ++k)
    worst = test::worse(worst, arma::mat(arma::abs(pa[k]->value - pb[k]->value) / std::max(1e-12, test::max_abs(pb[k]->value))));
  return worst;
}

// The docs' example (data_parallel.hpp), compiled and run.
void example(int argc, char** argv, Sequential<float>& model, const Loss<float>& loss, Adam<float>& adam, const Tensor<float>& x,
             const Tensor<float>& y, Rng& rng) {
MpiSession mpi(argc, argv);
DataParallel<float> parallel(model);             // checks every rank holds the same model
FitOptions options{10, 256};                     // 256 samples per global batch, 128 per rank on 2 ranks
options.partition = &parallel;
fit(model, loss, adam, x, y, options, rng, {&parallel});
}

}  // namespace

int main(int argc, char** argv) {
  MpiSession mpi(argc, argv);
  try {
    if (mpi.size() != 2) throw Error("run with 2 ranks (mpirun -np 2), not " + std::to_string(mpi.size()));
    Tensor<double> x, y;
    data<double>(80, x, y);  // 5 batches of 16 per epoch, 4 epochs: 20 steps
    for (const std::string rule : {"SGD", "Adam"}) {
      auto optimizer = [&]() -> std::unique_ptr<Optimizer<double>> {
        if (rule == "SGD") return std::make_unique<SGD<double>>(0.1, 0.9);
        return std::make_unique<Adam<double>>(1e-2);
      };
      // One process on the whole batches (every rank computes it alone)...
      Sequential<double> single = make_model<double>(6, 8, 11);
      std::unique_ptr<Optimizer<double>> single_optimizer = optimizer();
      Rng single_rng(3);
      const History hs = fit(single, SoftmaxCrossEntropy<double>(), *single_optimizer, x, y, FitOptions{4, 16}, single_rng);
      // ...and the two ranks, each computing 8 of every 16.
      Sequential<double> model = make_model<double>(6, 8, 11);
      std::unique_ptr<Optimizer<double>> parallel_optimizer = optimizer();
      Rng rng(3);
      DataParallel<double> parallel(model);
      FitOptions options{4, 16};
      options.partition = &parallel;
      const History h = fit(model, SoftmaxCrossEntropy<double>(), *parallel_optimizer, x, y, options, rng, {&parallel});
      const double difference = max_relative_difference(model, single);
      expect(parallel.steps() == 20, rule + ": 20 allreduce steps (" + std::to_string(parallel.steps()) + ")");
      expect(difference < 1e-6, rule + ": data-parallel weights equal the single process's within 1e-6 relative (" + sci(difference) + ")");
      // The History every rank records is the whole batch's: the shards' losses and accuracies are summed.
      expect(std::abs(h["loss"].back() - hs["loss"].back()) < 1e-9 * hs["loss"].back() && h["accuracy"].back() == hs["accuracy"].back(),
             rule + ": the epoch's loss and accuracy equal the single process's (" + std::to_string(h["loss"].back()) + " vs " +
                 std::to_string(hs["loss"].back()) + ")");
    }
    // A per-step loss whose mean runs over real steps, which differ between the ranks' shards: the shards'
    // gradients are weighed by their counted steps (Loss::terms), not by their samples.
    {
      const std::size_t n = 32, T = 6, d = 4, k = 3;
      Tensor<double> xs(Shape{n, T, d}), ts(Shape{n, T, k});
      Rng data_rng(8);
      data_rng.fill_normal(xs.matrix(), 0.0, 1.0);
      ts.matrix().zeros();
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t real = 1 + (i * 7) % T;  // 1 to 6 real steps, unevenly spread over the batch
        for (std::size_t t = 0; t < real; ++t) ts.matrix()(t * k + (i + t) % k, i) = 1;
      }
      auto build = [&]() {
        Rng r(21);
        Sequential<double> m;
        m.add<TimeDistributedDense<double>>(d, k, r);
        return m;
      };
      Sequential<double> single = build(), model = build();
      Adam<double> a(1e-2), b(1e-2);
      Rng r1(6), r2(6);
      FitOptions plain{5, 8};
      plain.accuracy = false;
      fit(single, SequenceSoftmaxCrossEntropy<double>(), a, xs, ts, plain, r1);
      DataParallel<double> parallel(model);
      FitOptions options = plain;
      options.partition = &parallel;
      fit(model, SequenceSoftmaxCrossEntropy<double>(), b, xs, ts, options, r2, {&parallel});
      const double difference = max_relative_difference(model, single);
      expect(difference < 1e-6, "per-step loss with uneven real steps: the single process's weights (" + sci(difference) + ")");
    }
    // A batch smaller than the ranks: rank 1 gets no sample of a 1-sample batch and still takes the step.
    {
      Sequential<double> single = make_model<double>(6, 8, 11), model = make_model<double>(6, 8, 11);
      SGD<double> a(0.1), b(0.1);
      Rng r1(4), r2(4);
      fit(single, SoftmaxCrossEntropy<double>(), a, x, y, FitOptions{1, 1}, r1);
      DataParallel<double> parallel(model);
      FitOptions options{1, 1};
      options.partition = &parallel;
      fit(model, SoftmaxCrossEntropy<double>(), b, x, y, options, r2, {&parallel});
      expect(max_relative_difference(model, single) < 1e-6, "batch 1 on 2 ranks: the same weights as one process");
    }
    // A run in two pieces: rank 0 alone saves the checkpoint, every rank resumes from it; the weights equal the
    // run in one piece.
    {
      Sequential<double> straight = make_model<double>(6, 8, 11), model = make_model<double>(6, 8, 11);
      Adam<double> a(1e-2), b(1e-2);
      TrainingState whole(Rng(9)), pieces(Rng(9));
      {
        DataParallel<double> parallel(straight);
        FitOptions options{4, 16};
        options.partition = &parallel;
        fit(straight, SoftmaxCrossEntropy<double>(), a, x, y, options, whole, {&parallel});
      }
      const std::string path = "/tmp/lecon-data-parallel-test-" + std::to_string(getppid()) + ".h5";
      {
        DataParallel<double> parallel(model);
        FitOptions options{2, 16};
        options.partition = &parallel;
        options.finish = false;
        fit(model, SoftmaxCrossEntropy<double>(), b, x, y, options, pieces, {&parallel});
        if (parallel.rank() == 0) save_checkpoint(path, model, b, pieces, {});
        MPI_Barrier(MPI_COMM_WORLD);
      }
      Sequential<double> resumed = make_model<double>(6, 8, 99);  // other weights: the checkpoint replaces them
      Adam<double> c(1e-2);
      TrainingState state(Rng(0));
      load_checkpoint(path, resumed, c, state, {});
      DataParallel<double> parallel(resumed);  // also checks that every rank loaded the same weights
      FitOptions options{2, 16};
      options.partition = &parallel;
      fit(resumed, SoftmaxCrossEntropy<double>(), c, x, y, options, state, {&parallel});
      expect(max_relative_difference(resumed, straight) < 1e-12, "saved by rank 0, resumed by every rank: the weights of the run in one piece");
      MPI_Barrier(MPI_COMM_WORLD);
      if (mpi.rank() == 0) std::remove(path.c_str());
    }
    // Models that differ between the ranks are refused on every rank.
    for (const bool size_differs : {false, true}) {
      Sequential<double> model = make_model<double>(6, size_differs && mpi.rank() == 1 ? 9 : 8, size_differs ? 11 : 11 + static_cast<std::uint64_t>(mpi.rank()));
      std::string message;
      try {
        DataParallel<double> parallel(model);
      } catch (const Error& e) {
        message = e.what();
      }
      expect(message.find(size_differs ? "models differ" : "initial weights differ") != std::string::npos,
             std::string(size_differs ? "different sizes" : "different seeds") + " refused: '" + message + "'");
    }
    // The example of the header, in float.
    Tensor<float> xf, yf;
    data<float>(512, xf, yf);
    Sequential<float> model = make_model<float>(6, 8, 11);
    Adam<float> adam(1e-3);
    Rng rng(1);
    example(argc, argv, model, SoftmaxCrossEntropy<float>(), adam, xf, yf, rng);
    expect(model.params().front()->value.is_finite(), "the header's example runs");
  } catch (const std::exception& e) {
    std::cout << "rank " << mpi.rank() << ": error: " << e.what() << std::endl;
    ++failures;
  }
  int all = 0;
  MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (mpi.rank() == 0) std::cout << (all == 0 ? "data parallel: PASS" : "data parallel: FAIL") << std::endl;
  return all == 0 ? 0 : 1;
}
