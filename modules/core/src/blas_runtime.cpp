#include "lecon/core/blas_runtime.hpp"

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__SSE__)
#include <xmmintrin.h>
#endif

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "lecon/core/parallel.hpp"

namespace lecon {
namespace {

template <typename Fn>
Fn find_symbol(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, name));
}

}  // namespace

std::string cpu_features() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return "avx512f";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "avx2";
  if (__builtin_cpu_supports("avx")) return "avx";
  return "sse2";
}

std::string cpu_coretype() {
  const std::string level = cpu_features();
  // Cooper Lake's kernels are Skylake-X's plus bfloat16; OpenBLAS's own detection picks them for CPUs with
  // AVX512-BF16 (bench_gemm here: Cooperlake and SkylakeX sgemm equal within 5%, Haswell at 0.54x).
  if (level == "avx512f" && __builtin_cpu_supports("avx512bf16")) return "Cooperlake";
  if (level == "avx512f") return "SkylakeX";
  if (level == "avx2") return "Haswell";
  return "";
}

namespace {

const char* env_or(const char* name, const char* fallback) {
  const char* value = getenv(name);
  return value ? value : fallback;
}

}  // namespace

void select_blas_kernel(int /*argc*/, char** argv) {
  if (getenv("LECON_BLAS_SELECTED") != nullptr) return;  // second start: the choice is made
  const std::string policy = env_or("LECON_BLAS_KERNEL", "detect");
  const std::string inherited = env_or("OPENBLAS_CORETYPE", "");
  std::string wanted;
  if (policy == "detect") wanted = cpu_coretype();
  else if (policy == "keep") wanted = inherited;
  else if (policy != "auto") wanted = policy;
  // Remember what the environment had ("-" for nothing), for describe_blas() and for child programs.
  setenv("LECON_BLAS_SELECTED", inherited.empty() ? "-" : inherited.c_str(), 1);
  // Threads that wait for work sleep instead of spinning. libgomp's default spins about 3 ms (300,000
  // rounds) after every parallel region; on a machine shared with other processes the spinning thread
  // holds a core that they, or our own working thread, need. Lab 03 (2 threads, 2 cores) ran 2.5x
  // faster unloaded and 1.7x faster beside two busy processes with OMP_WAIT_POLICY=passive than with
  // that spin, on 40% of the CPU time (docs/architecture.md). libgomp reads the policy when it loads,
  // before main(), so it takes the same restart; a policy or spin count the user set is kept. The
  // OpenMP build of OpenBLAS runs its threads in the same libgomp pool.
  const bool set_wait_policy = getenv("OMP_WAIT_POLICY") == nullptr && getenv("GOMP_SPINCOUNT") == nullptr;
  if (wanted == inherited && !set_wait_policy) return;  // OpenBLAS and libgomp already loaded as we want them
  if (set_wait_policy) {
    setenv("OMP_WAIT_POLICY", "passive", 1);
    setenv("LECON_WAIT_POLICY_SET", "1", 1);  // ours, not the user's: benchmark peers run without it
  }
  if (wanted.empty()) unsetenv("OPENBLAS_CORETYPE");
  else setenv("OPENBLAS_CORETYPE", wanted.c_str(), 1);
  fflush(nullptr);
  execv("/proc/self/exe", argv);
  // execv returned: we cannot restart; say so and run on with the kernel and wait policy already loaded.
  std::fprintf(stderr, "warning: could not restart with OPENBLAS_CORETYPE=%s (%s); BLAS keeps the kernel it chose\n",
               wanted.c_str(), std::strerror(errno));
  if (set_wait_policy) {
    unsetenv("OMP_WAIT_POLICY");
    unsetenv("LECON_WAIT_POLICY_SET");
  }
  if (inherited.empty()) unsetenv("OPENBLAS_CORETYPE");
  else setenv("OPENBLAS_CORETYPE", inherited.c_str(), 1);
}

BlasInfo blas_info() {
  BlasInfo info;
  void* sgemm = dlsym(RTLD_DEFAULT, "sgemm_");
  Dl_info where{};
  if (sgemm != nullptr && dladdr(sgemm, &where) != 0 && where.dli_fname != nullptr) {
    char resolved[PATH_MAX];
    info.library = realpath(where.dli_fname, resolved) ? resolved : where.dli_fname;
  } else {
    info.library = "(sgemm_ not found)";
  }
  using GetString = char* (*)();
  if (auto get_config = find_symbol<GetString>("openblas_get_config")) {
    info.vendor = "OpenBLAS";
    info.config = get_config();
    if (auto get_core = find_symbol<GetString>("openblas_get_corename")) info.core = get_core();
  } else {
    info.vendor = "unknown (not OpenBLAS)";
  }
  info.requested = env_or("OPENBLAS_CORETYPE", "");
  info.policy = env_or("LECON_BLAS_KERNEL", "detect");
  const std::string selected = env_or("LECON_BLAS_SELECTED", "-");
  info.inherited = selected == "-" ? "" : selected;
  using GetThreads = int (*)();
  if (auto get_threads = find_symbol<GetThreads>("openblas_get_num_threads")) info.threads = get_threads();
  else info.threads = thread_count();
  return info;
}

std::string describe_blas() {
  const BlasInfo info = blas_info();
  std::ostringstream os;
  os << "BLAS: " << info.vendor;
  if (!info.config.empty()) os << " [" << info.config << "]";
  if (!info.core.empty()) os << ", kernel " << info.core;
  os << (info.requested.empty() ? " (OpenBLAS's own CPU detection" : " (OPENBLAS_CORETYPE=" + info.requested);
  os << ", LECON_BLAS_KERNEL=" << info.policy;
  if (info.inherited != info.requested) os << ", environment had " << (info.inherited.empty() ? "none" : info.inherited);
  os << ")";
  os << ", " << thread_count() << " thread(s), CPU " << cpu_features() << ", library " << info.library;
  return os.str();
}

namespace {
#if defined(__x86_64__) || defined(__SSE__)
constexpr unsigned kFlushBits = 0x8040;  // MXCSR: FTZ (bit 15) and DAZ (bit 6) [spec: Intel SDM vol. 1, §10.2.3]
void set_flush_bits(bool on) { _mm_setcsr(on ? (_mm_getcsr() | kFlushBits) : (_mm_getcsr() & ~kFlushBits)); }
bool flush_bits() { return (_mm_getcsr() & kFlushBits) == kFlushBits; }
#else
void set_flush_bits(bool) {}
bool flush_bits() { return false; }
#endif
}  // namespace

void flush_subnormals(bool on) {
  set_flush_bits(on);
#pragma omp parallel
  set_flush_bits(on);
}

bool subnormals_flushed() { return flush_bits(); }

int thread_count() { return omp_get_max_threads(); }

void set_thread_count(int n) {
  if (n <= 0) n = omp_get_num_procs();
  omp_set_num_threads(n);
  // The OpenMP build of OpenBLAS follows omp_get_max_threads(); tell it directly as well. Looked up
  // once: SerialIfSmall comes here twice for every small product.
  using SetThreads = void (*)(int);
  static const SetThreads set_blas_threads = find_symbol<SetThreads>("openblas_set_num_threads");
  if (set_blas_threads) set_blas_threads(n);
}

SerialIfSmall::SerialIfSmall(std::size_t multiply_adds) {
  // Inside a parallel region BLAS already runs on one thread; omp_get_max_threads() is then the
  // nested count, not ours to change.
  if (multiply_adds >= kBlasParallelWork || omp_in_parallel()) return;
  const int threads = thread_count();
  if (threads <= 1) return;
  set_thread_count(1);
  restore_ = threads;
}

SerialIfSmall::~SerialIfSmall() {
  // Through set_thread_count, not omp_set_num_threads alone: OpenBLAS stops following the OpenMP
  // count once its own is 1, so it must be told directly.
  if (restore_ > 0) set_thread_count(restore_);
}

}  // namespace lecon
