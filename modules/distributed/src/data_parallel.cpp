#include "lecon/distributed/data_parallel.hpp"

#include <cmath>
#include <sstream>

#include "lecon/core/error.hpp"

namespace lecon {
namespace {

template <typename T>
MPI_Datatype mpi_type();
template <>
MPI_Datatype mpi_type<float>() { return MPI_FLOAT; }
template <>
MPI_Datatype mpi_type<double>() { return MPI_DOUBLE; }

void check(int code, const char* what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw Error(std::string("MPI: ") + what + " failed: " + std::string(text, static_cast<std::size_t>(length)));
}

}  // namespace

MpiSession::MpiSession(int& argc, char**& argv) {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) {
    check(MPI_Init(&argc, &argv), "MPI_Init");
    owns_ = true;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::MpiSession() {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) {
    check(MPI_Init(nullptr, nullptr), "MPI_Init");
    owns_ = true;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() {
  int finalised = 0;
  MPI_Finalized(&finalised);
  if (owns_ && !finalised) MPI_Finalize();
}

int mpi_rank() {
  int initialised = 0, rank = 0;
  MPI_Initialized(&initialised);
  if (initialised) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

int mpi_size() {
  int initialised = 0, size = 1;
  MPI_Initialized(&initialised);
  if (initialised) MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

template <typename T>
DataParallel<T>::DataParallel(Sequential<T>& model, MPI_Comm comm) : comm_(comm) {
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
  // Errors come back as codes (and then exceptions) rather than aborting inside MPI.
  MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN);
  double count = 0, checksum = 0;
  for (Param<T>* p : model.params()) {
    count += static_cast<double>(p->value.n_elem);
    // Position-weighted, so that swapped values change it too.
    for (arma::uword i = 0; i < p->value.n_elem; ++i) checksum += static_cast<double>(p->value(i)) * (1.0 + 1e-3 * static_cast<double>(i % 1000));
  }
  double mine[2] = {count, checksum}, low[2], high[2];
  check(MPI_Allreduce(mine, low, 2, MPI_DOUBLE, MPI_MIN, comm_), "MPI_Allreduce (model check)");
  check(MPI_Allreduce(mine, high, 2, MPI_DOUBLE, MPI_MAX, comm_), "MPI_Allreduce (model check)");
  if (low[0] != high[0]) {
    std::ostringstream out;
    out << "data parallelism: the ranks' models differ: from " << low[0] << " to " << high[0] << " parameters (rank " << rank_ << " has " << count
        << "); every rank must build the same model";
    throw Error(out.str());
  }
  if (std::abs(high[1] - low[1]) > 1e-9 * std::max(1.0, std::abs(high[1]))) {
    std::ostringstream out;
    out.precision(12);
    out << "data parallelism: the ranks' initial weights differ (checksums from " << low[1] << " to " << high[1] << ", rank " << rank_ << ": "
        << checksum << "); give every rank the same seed";
    throw Error(out.str());
  }
  buffer_.resize(static_cast<std::size_t>(count) + 1);  // the gradients, then w_r
}

template <typename T>
arma::uvec DataParallel<T>::shard(const arma::uvec& global_batch) {
  const std::size_t B = global_batch.n_elem, N = static_cast<std::size_t>(size_), r = static_cast<std::size_t>(rank_);
  const std::size_t begin = r * B / N, end = (r + 1) * B / N;
  return end > begin ? arma::regspace<arma::uvec>(begin, end - 1) : arma::uvec();
}

template <typename T>
double DataParallel<T>::sum(double local) {
  double total = 0;
  check(MPI_Allreduce(&local, &total, 1, MPI_DOUBLE, MPI_SUM, comm_), "MPI_Allreduce (metrics)");
  return total;
}

template <typename T>
void DataParallel<T>::after_backward(const std::vector<Param<T>*>& params) {
  // Pack w_r g_r of every parameter and w_r into one buffer, sum it over the ranks, divide by W = Σ w_r.
  const T weight = static_cast<T>(local_terms_);
  std::size_t at = 0;
  for (Param<T>* p : params) {
    if (at + p->grad.n_elem + 1 > buffer_.size()) throw Error("data parallelism: the model's gradients outgrew the buffer sized at construction");
    for (arma::uword i = 0; i < p->grad.n_elem; ++i) buffer_[at + i] = weight * p->grad(i);
    at += p->grad.n_elem;
  }
  buffer_[at] = weight;
  const double start = MPI_Wtime();
  check(MPI_Allreduce(MPI_IN_PLACE, buffer_.data(), static_cast<int>(at + 1), mpi_type<T>(), MPI_SUM, comm_), "MPI_Allreduce (gradients)");
  allreduce_seconds_ += MPI_Wtime() - start;
  ++steps_;
  const T total = buffer_[at];
  const T scale = total > T(0) ? T(1) / total : T(0);
  at = 0;
  for (Param<T>* p : params) {
    for (arma::uword i = 0; i < p->grad.n_elem; ++i) p->grad(i) = buffer_[at + i] * scale;
    at += p->grad.n_elem;
  }
}

template class DataParallel<float>;
template class DataParallel<double>;

}  // namespace lecon
