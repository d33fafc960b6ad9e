#pragma once
// fit for the labs: lecon::fit, and synchronous data parallelism when the lab runs under mpirun with more
// than one rank (docs/distributed.md). Header-only, like fit_progress.hpp: labkit itself links neither
// backprop nor MPI. A lab built with MPI (CMake defines LECON_WITH_MPI for it) and started by mpirun
// initialises MPI at its first lab_fit, wraps the model in a DataParallel (which checks that every rank
// built the same model), and puts it first among the observers, so that gradient clipping and the other
// observers see the combined gradient, as in one process. Otherwise lab_fit is fit.
#include <vector>

#include "lecon/backprop/sequential.hpp"
#include "lecon/labkit/lab.hpp"
#ifdef LECON_WITH_MPI
#include "lecon/distributed/data_parallel.hpp"
#endif

namespace lecon {

template <typename T>
History lab_fit(Sequential<T>& model, const Loss<T>& loss, Optimizer<T>& optimizer, const Tensor<T>& x, const Tensor<T>& y, FitOptions options,
                Rng& rng, std::vector<TrainingObserver<T>*> observers = {}) {
#ifdef LECON_WITH_MPI
  if (launched_by_mpi()) {
    static MpiSession session;  // MPI_Init once per process, MPI_Finalize at exit
    if (session.size() > 1) {
      DataParallel<T> parallel(model);
      options.partition = &parallel;
      observers.insert(observers.begin(), &parallel);
      return fit(model, loss, optimizer, x, y, options, rng, observers);
    }
  }
#endif
  return fit(model, loss, optimizer, x, y, options, rng, observers);
}

}  // namespace lecon
