#pragma once
// Which BLAS Armadillo really calls, and choosing its kernel before it loads.
//
// Debian's OpenBLAS mis-detects some CPUs (seen on AMD EPYC with AVX-512: sgemm at ~29 GFLOP/s instead
// of 130-260). OpenBLAS reads OPENBLAS_CORETYPE once, when the library is loaded, before main() runs.
// So select_blas_kernel() decides the core type, sets OPENBLAS_CORETYPE and re-executes the program once
// (marked by LECON_BLAS_SELECTED, which also remembers what the environment had). LECON_BLAS_KERNEL says how:
//   unset or "detect"  the best kernel for this CPU's flags: Cooperlake with AVX512-BF16, SkylakeX with
//                      AVX-512, Haswell with AVX2+FMA
//                      (this overrides an inherited OPENBLAS_CORETYPE, which describe_blas() reports)
//   "auto"             OpenBLAS's own detection (OPENBLAS_CORETYPE removed): to measure both ways
//   "keep"             whatever OPENBLAS_CORETYPE the environment holds
//   any other word     that OpenBLAS core type, e.g. LECON_BLAS_KERNEL=Haswell
#include <string>

namespace lecon {

struct BlasInfo {
  std::string library;      // resolved path of the shared object that provides sgemm_
  std::string vendor;       // "OpenBLAS" or "unknown (not OpenBLAS)"
  std::string config;       // openblas_get_config(), e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64"
  std::string core;         // openblas_get_corename(): the kernel really in use
  std::string requested;    // OPENBLAS_CORETYPE as seen by this process ("" if unset)
  std::string inherited;    // OPENBLAS_CORETYPE the environment had before select_blas_kernel ("" if unset)
  std::string policy;       // LECON_BLAS_KERNEL ("detect" if unset)
  int threads = 0;          // BLAS threads for the next call
};

// The core type this CPU should use: "Cooperlake" with AVX512-BF16, "SkylakeX" with AVX-512,
// "Haswell" with AVX2+FMA, "" otherwise.
std::string cpu_coretype();
// Best CPU feature level present: "avx512f", "avx2", "avx" or "sse2".
std::string cpu_features();

// Call first thing in main(). May not return (re-executes the program with OPENBLAS_CORETYPE set).
void select_blas_kernel(int argc, char** argv);

BlasInfo blas_info();
// One line for headers and --version: "BLAS: OpenBLAS 0.3.21 ..., kernel SkylakeX, 2 threads (/usr/lib/...)".
std::string describe_blas();

}  // namespace lecon
