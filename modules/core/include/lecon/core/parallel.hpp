#pragma once
// OpenMP helpers for the loops BLAS does not cover (CONTRIBUTING.md rule 7): over the batch or over channels, never nested.
// OpenBLAS is the OpenMP build, so BLAS threads and these loops share one pool and one thread count.
#include <omp.h>

#include <algorithm>
#include <armadillo>
#include <cstddef>
#include <exception>
#include <vector>

namespace lecon {

// Threads the next parallel region (and BLAS) will use.
int thread_count();
// Set the thread count for our loops and for BLAS; n <= 0 means all cores.
void set_thread_count(int n);

// Subnormal floats (below 1.2e-38; 2.2e-308 in double) cost the processor a microcode assist per operation,
// about 100 times a normal one. Gradients that vanish along a long sequence reach them: an LSTM reading MNIST
// pixel by pixel (784 steps) ran 12 times slower once its carried gradients had decayed below 1e-38 (lab 10,
// docs/rnn.md). flush_subnormals(true) sets the x86 FTZ and DAZ bits (results and inputs below the normal
// range become 0) on the calling thread and on every thread of the OpenMP pool, which OpenBLAS shares;
// threads the pool starts later copy the caller's setting. flush_subnormals(false) restores IEEE behaviour.
// The labs flush; tests and the library's own code leave the default. Elsewhere than x86-64: no effect.
void flush_subnormals(bool on);
bool subnormals_flushed();  // on the calling thread

// Below this many multiply-adds a matrix product runs on one thread (SerialIfSmall). OpenBLAS threads a
// 64 x 784 matrix-vector product (50,176 multiply-adds, 2 microseconds); waking a second thread for it
// costs more than the product, and far more when other processes hold the cores. Measured on a 2-core
// Xeon for Dense 784 -> 64 forward + backward: 2 threads gain nothing below a batch of about 128
// (6.4 million multiply-adds per product) and lose up to 25% at batch 1 and 32.
constexpr std::size_t kBlasParallelWork = std::size_t(1) << 22;

// While it lives, BLAS and our loops use only the calling thread if multiply_adds < kBlasParallelWork
// (and more than one thread is set); the thread count is restored when it goes. Put it around the
// products of a layer whose size depends on the batch: online training (batch 1) then never wakes
// the pool. Costs about 0.1 microsecond.
class SerialIfSmall {
 public:
  explicit SerialIfSmall(std::size_t multiply_adds);
  ~SerialIfSmall();
  SerialIfSmall(const SerialIfSmall&) = delete;
  SerialIfSmall& operator=(const SerialIfSmall&) = delete;

 private:
  int restore_ = 0;  // the thread count to set again, 0 when nothing was changed
};

// Below this much work (elementary operations, about one per element) a loop runs on the calling
// thread: waking the pool costs more than it saves, and under load a woken thread may wait for a core.
constexpr std::size_t kParallelWork = 32768;

// Calls body(i) for i in [0, n) across the thread pool. An exception thrown by any body is
// caught inside the parallel region (it must not escape OpenMP) and rethrown here after the loop.
// work_per_index: about how many elementary operations one body(i) does (a softmax column: its rows);
// the loop runs single-threaded when n < 2, when n * work_per_index < kParallelWork, or inside a parallel
// region. The default treats every index as worth a thread of its own.
template <typename Body>
void parallel_for(std::size_t n, Body&& body, std::size_t work_per_index = kParallelWork) {
  std::exception_ptr failure = nullptr;
  const std::ptrdiff_t count = static_cast<std::ptrdiff_t>(n);
  // Inside a parallel region (a thread's own block of a larger job) the loop stays on that thread.
  const bool worth_threads = n > 1 && (work_per_index >= kParallelWork || n * work_per_index >= kParallelWork) && !omp_in_parallel();
#pragma omp parallel for schedule(static) if (worth_threads)
  for (std::ptrdiff_t i = 0; i < count; ++i) {
    try {
      body(static_cast<std::size_t>(i));
    } catch (...) {
#pragma omp critical(lecon_parallel_for_failure)
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
}

// A pass of a few operations per element (a ReLU, a derivative through y, a scaled copy) runs on the calling
// thread below this many elements. Memory, not arithmetic, sets its speed, and waking a sleeping thread (the
// passive wait policy, docs/architecture.md) costs 60-90 µs on a shared virtual machine: a ReLU over 2^16 floats
// took 9 µs on one thread and 66 µs on two, over 2^19 55 and 112 µs, over 2^20 153 and 172 µs; two threads
// first won at 2^22 (1.37 against 1.22 ms, AMD EPYC, 2 cores). Those passes read data already in the cache. Inside
// training, a pass comes after a layer that has just written more than a core's L2 cache: the CIFAR network's
// ReLUs over 921,600 and 401,408 values after its convolutions. There, on a 2-core Xeon (Sapphire Rapids), two
// threads halved a standalone ReLU over data evicted from the cache at every size from 2^18 (347 → 168 µs) to 2^22,
// and one epoch of the CIFAR network on two threads took 0.966x and 0.968x the time with the threshold at 2^18
// instead of 2^20 (six alternated rounds in one process, twice; 0.959x at 2^19). By the AMD EPYC figures above,
// the lower threshold costs a pass there 19 µs at 2^20 values and 57 µs at 2^19 when its data is in the cache.
constexpr std::size_t kParallelPass = std::size_t(1) << 18;

// An optimizer's step over all of a model's weights runs on the pool from this many weights in all, as ONE
// parallel region in which every thread updates its share of every parameter (for_each_share; every rule of
// modules/optimizers). Before, each parameter had a region of its own, held to a threshold of its own (2^20 for
// SGD, 2^18 for the rules with a root): SGD stepped bench_mlp's 401,408 + 262,144 weights on one thread.
// fit calls the step right after the backward pass, whose products ran on the pool a few microseconds before,
// so its threads have not yet gone into a deep sleep: bench_gemm's wake-up table puts that wake at 7-8 µs,
// against 55-73 µs after 100 µs or more on one thread (2-core AMD EPYC); 3 against 11-26 µs on the 2-core Xeon
// below. Measured inside fit at 2 threads (SGD with momentum, MLP 784-H-H-10, batch 128, 2-core Xeon), a region
// per parameter / one region of two threads: 55,050 weights 47-50 / 42-43 µs, 118,282 80-87 / 71-79 µs, 269,322
// 178-181 / 106-113 µs, 669,706 565-600 / 293-337 µs.
// The threshold is for online training (batch 1), whose products run on one thread, so the pool sleeps between
// steps: there, one thread / one region of two took 18.5-19.0 / 39-41 µs for 55,050 weights, 94-126 / 111-118 µs
// for 269,322 and 281-366 / 229-245 µs for 669,706 (docs/optimizers.md, "Speed").
constexpr std::size_t kParallelStep = std::size_t(1) << 18;

// Calls body(i, begin, end) for every i < sizes.size() so that the calls for i cover [0, sizes[i]): on the
// calling thread, one call per i, when the sizes add up to less than `parallel_from` or inside a parallel
// region; otherwise in one parallel region, each thread taking the same share of every i. Shares are whole
// multiples of 16 elements (64 bytes of float), so the threads' shares of an array touch at most one common
// cache line. body must not throw (it runs inside the region).
template <typename Body>
void for_each_share(const std::vector<std::size_t>& sizes, std::size_t parallel_from, Body&& body) {
  std::size_t total = 0;
  for (std::size_t n : sizes) total += n;
  const bool threaded = total >= parallel_from && !omp_in_parallel();
#pragma omp parallel if (threaded)
  {
    auto local = body;  // a copy per thread
    const std::size_t t = static_cast<std::size_t>(omp_get_thread_num()), threads = static_cast<std::size_t>(omp_get_num_threads());
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      const std::size_t lines = (sizes[i] + 15) / 16;
      const std::size_t begin = std::min(sizes[i], lines * t / threads * 16);
      const std::size_t end = std::min(sizes[i], lines * (t + 1) / threads * 16);
      if (begin < end) local(i, begin, end);
    }
  }
}

// Element-wise y[i] = f(x[i]) over a matrix, in parallel from `parallel_from` elements on: kParallelWork for a
// function that costs about ten operations or more (an exponential, a tanh), kParallelPass for a cheap one.
template <typename T, typename F>
void transform(const arma::Mat<T>& x, arma::Mat<T>& y, F f, std::size_t parallel_from = kParallelWork) {
  if (&x != &y) y.set_size(x.n_rows, x.n_cols);
  const T* in = x.memptr();  // may equal out (in place), so no __restrict here
  T* out = y.memptr();
  const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(x.n_elem);
#pragma omp parallel for simd schedule(static) if (parallel: n > static_cast<std::ptrdiff_t>(parallel_from))
  for (std::ptrdiff_t i = 0; i < n; ++i) out[i] = f(in[i]);
}

}  // namespace lecon
