#pragma once
// Synchronous data-parallel training over MPI (docs/distributed.md). Every process (rank) holds the whole
// model and the whole data set; fit draws each global batch of B samples in the same order on every rank
// (same seed); rank r computes forward and backward on its contiguous share of it, giving g_r, the gradient
// of its shard's mean loss, a mean over w_r terms (Loss::terms: its n_r samples, or its real steps for a
// per-step loss). The gradient of the global batch's mean loss, over W = Σ_r w_r terms, is
//   g = Σ_r (w_r / W) g_r
// which one allreduce (a sum over the ranks) of the buffer [w_r g_r, w_r] computes: all parameters and w_r
// packed into one flat buffer (one call per step, not one per parameter), then divided by its last value W.
// Every rank then takes the same optimizer step from the same g, so the weights stay identical: the
// definition of synchronous data parallelism.
//
// Compiled example (tests/distributed/data_parallel_test.cpp):
//   MpiSession mpi(argc, argv);
//   DataParallel<float> parallel(model);             // checks every rank holds the same model
//   FitOptions options{10, 256};                     // 256 samples per global batch, 128 per rank on 2 ranks
//   options.partition = &parallel;
//   fit(model, loss, adam, x, y, options, rng, {&parallel});
#include <mpi.h>

#include <cstddef>
#include <vector>

#include "lecon/backprop/sequential.hpp"

namespace lecon {

// MPI_Init at construction, MPI_Finalize at destruction (unless MPI was already initialised).
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  MpiSession();  // MPI_Init(nullptr, nullptr): for code that has no argc and argv at hand
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  bool owns_ = false;
  int rank_ = 0, size_ = 1;
};

// The rank and size of MPI_COMM_WORLD when MPI is initialised, 0 and 1 otherwise.
int mpi_rank();
int mpi_size();

template <typename T>
class DataParallel : public TrainingObserver<T>, public BatchPartition {
 public:
  // Checks, collectively, that every rank's model has the same number of parameters and the same initial
  // weights (a checksum); throws Error on every rank, naming both, if not.
  explicit DataParallel(Sequential<T>& model, MPI_Comm comm = MPI_COMM_WORLD);

  // Rank r's share of a batch of B: positions [r B / N, (r + 1) B / N).
  arma::uvec shard(const arma::uvec& global_batch) override;
  void set_local_terms(double terms) override { local_terms_ = terms; }
  double sum(double local) override;
  // g_r <- Σ_r (w_r / W) g_r, one allreduce of one buffer.
  void after_backward(const std::vector<Param<T>*>& params) override;

  int rank() const { return rank_; }
  int size() const { return size_; }
  std::size_t steps() const { return steps_; }
  double allreduce_seconds() const { return allreduce_seconds_; }  // total time inside the gradient allreduce
  std::size_t buffer_values() const { return buffer_.size(); }

 private:
  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
  std::size_t steps_ = 0;
  double local_terms_ = 0;
  double allreduce_seconds_ = 0;
  std::vector<T> buffer_;
};

}  // namespace lecon
