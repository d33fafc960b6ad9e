#pragma once
// 64-byte vectors through GCC's vector extension, shared by the direct convolution kernels
// (conv2d_direct.cpp, conv2d_filters.cpp) and the pooling kernels (pooling.cpp). One source gives AVX-512, AVX2
// and SSE2 code: each kernel is compiled three times with a target attribute and the first call picks what the
// CPU runs (by feature, not by CPU model), so the binaries still run on any x86-64 (LECON_NATIVE stays off) and
// use wide registers where they exist.
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

#include "lecon/core/error.hpp"

// LECON_SIMD_X86: GCC (or Clang) on x86-64, where the target attributes and the AVX-512 intrinsics of
// <immintrin.h> exist (the kernels written with intrinsics, pooling.cpp and conv2d_filters.cpp, need it).
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define LECON_SIMD_X86 1
#define LECON_TARGET_AVX512 __attribute__((target("avx512f,avx2,fma")))
#define LECON_TARGET_AVX2 __attribute__((target("avx2,fma")))
#else
#define LECON_SIMD_X86 0
#define LECON_TARGET_AVX512
#define LECON_TARGET_AVX2
#endif
#define LECON_INLINE inline __attribute__((always_inline))

namespace lecon::simd {

// 64 bytes of T: one AVX-512 register, two AVX2 registers, four SSE2 registers.
template <typename T>
struct Lanes;
template <>
struct Lanes<float> {
  typedef float Vec __attribute__((vector_size(64)));
  static constexpr std::size_t count = 16;
};
template <>
struct Lanes<double> {
  typedef double Vec __attribute__((vector_size(64)));
  static constexpr std::size_t count = 8;
};

template <typename T>
using Vec = typename Lanes<T>::Vec;

// Half a vector (32 bytes: one AVX2 register): for the rest of a row or of the filters when it fits there. AMD's
// Zen 4 executes a 64-byte multiply-add as two 32-byte halves, so there half a vector costs half.
template <typename T>
struct HalfLanes;
template <>
struct HalfLanes<float> {
  typedef float Vec __attribute__((vector_size(32)));
};
template <>
struct HalfLanes<double> {
  typedef double Vec __attribute__((vector_size(32)));
};
template <typename T>
using Half = typename HalfLanes<T>::Vec;

// Unaligned loads and stores of a vector type V of any width (Vec<T> or Half<T>) ...
template <typename V, typename T>
LECON_INLINE V load_as(const T* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <typename V, typename T>
LECON_INLINE void store_as(T* p, const V& v) {
  std::memcpy(p, &v, sizeof v);
}
// ... and of a whole vector.
template <typename T>
LECON_INLINE Vec<T> load(const T* p) {
  return load_as<Vec<T>>(p);
}
template <typename T>
LECON_INLINE void store(T* p, const Vec<T>& v) {
  store_as(p, v);
}
template <typename T>
LECON_INLINE Vec<T> broadcast(T s) {
  return Vec<T>{} + s;  // once per tile; in the inner loops, vector * scalar lets the compiler broadcast from memory
}

// The instruction set the kernels use on this CPU, chosen once (the CPU does not change while the program runs).
enum class Isa { avx512, avx2, generic };
inline Isa best_isa() {
#if LECON_SIMD_X86
  static const Isa isa = __builtin_cpu_supports("avx512f") ? Isa::avx512
                         : (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? Isa::avx2
                                                                                                : Isa::generic;
  return isa;
#else
  return Isa::generic;
#endif
}

// Whether half a vector (Half<T>) costs half a whole one. Yes where a 64-byte vector is two or four registers
// (AVX2, SSE2) and on AMD's Zen 4, which executes a 64-byte operation as two 32-byte halves; no on Intel's
// AVX-512 cores, which execute a 32-byte multiply-add on the same port, in the same time, as a 64-byte one. The
// instruction set is still chosen by feature; this only picks how the kernels split their work: the filter-vector
// kernels' filters (conv2d_filters.cpp) and the direct forward's row tiles or flat rows (conv2d_direct.cpp).
inline bool half_vector_pays() {
#if LECON_SIMD_X86
  static const bool pays = best_isa() != Isa::avx512 || __builtin_cpu_is("amd");
  return pays;
#else
  return true;
#endif
}

// What the kernels of this run assume: half_vector_pays(), unless the environment variable LECON_HALF_VECTORS is
// 1 (yes) or 0 (no), so that the tests run both choices on any CPU; any other value is an error. Read on every
// plan (a few per layer and step, a fraction of a microsecond each), not once: a test switches it.
inline bool half_vectors_here() {
  const char* value = std::getenv("LECON_HALF_VECTORS");
  if (value == nullptr) return half_vector_pays();
  const std::string v = value;
  if (v != "0" && v != "1") throw Error("LECON_HALF_VECTORS: expected 0 or 1 (or unset), got '" + v + "'");
  return v == "1";
}

}  // namespace lecon::simd

// KERNELS(SUFFIX, TARGET) once per instruction set: a file's kernels compiled for AVX-512 (with FMA), AVX2 + FMA,
// and plain x86-64 (SSE2), as NAME_avx512, NAME_avx2 and NAME_generic.
#define LECON_FOR_EACH_ISA(KERNELS) \
  KERNELS(avx512, LECON_TARGET_AVX512) \
  KERNELS(avx2, LECON_TARGET_AVX2)     \
  KERNELS(generic, )

// Calls NAME_avx512, NAME_avx2 or NAME_generic with the arguments, by best_isa().
#define LECON_DISPATCH(NAME, ...)                                \
  switch (::lecon::simd::best_isa()) {                           \
    case ::lecon::simd::Isa::avx512: return NAME##_avx512(__VA_ARGS__); \
    case ::lecon::simd::Isa::avx2: return NAME##_avx2(__VA_ARGS__);     \
    default: return NAME##_generic(__VA_ARGS__);                 \
  }
