#include "lecon/core/rng.hpp"

#include <cmath>

#include "lecon/core/error.hpp"
#include "lecon/core/parallel.hpp"

namespace lecon {
namespace {

// splitmix64: turns any 64-bit value into a well-mixed one; seeds xoshiro (as its authors advise).
std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

__extension__ typedef unsigned __int128 u128;  // 64x64 -> 128-bit product (GCC/Clang)

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// The generator of block b of a bulk fill keyed by key.
Xoshiro256 block_generator(std::uint64_t key, std::size_t block) {
  std::uint64_t mix = key ^ (0xd1b54a32d192ed03ULL * (static_cast<std::uint64_t>(block) + 1));
  return Xoshiro256(splitmix64(mix));
}

// Runs fill(generator, first, last) over fixed blocks of m, in parallel.
template <typename T, typename Fill>
void fill_blocks(Rng& rng, arma::Mat<T>& m, Fill fill) {
  const std::uint64_t key = rng.next_u64();
  const std::size_t n = m.n_elem;
  const std::size_t blocks = (n + Rng::kBlock - 1) / Rng::kBlock;
  T* data = m.memptr();
  parallel_for(blocks, [&](std::size_t b) {
    Xoshiro256 gen = block_generator(key, b);
    const std::size_t first = b * Rng::kBlock;
    const std::size_t last = std::min(n, first + Rng::kBlock);
    fill(gen, data + first, data + last);
  }, Rng::kBlock);
}

// Box-Muller: two uniforms u1 in (0, 1], u2 in [0, 1) give two independent N(0, 1) values.
void box_muller(Xoshiro256& gen, double& z0, double& z1) {
  const double u1 = 1.0 - gen.uniform();
  const double u2 = gen.uniform();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * M_PI * u2;
  z0 = radius * std::cos(angle);
  z1 = radius * std::sin(angle);
}

}  // namespace

Xoshiro256::Xoshiro256(std::uint64_t seed) {
  for (auto& word : s_) word = splitmix64(seed);
}

std::uint64_t Xoshiro256::next() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

void Xoshiro256::set_state(const std::array<std::uint64_t, 4>& words) {
  if (words[0] == 0 && words[1] == 0 && words[2] == 0 && words[3] == 0)
    throw Error("xoshiro256**: the state words are all zero (no seed gives that; the generator would return only 0)");
  s_ = words;
}

Rng::Rng(std::uint64_t seed) : seed_(seed), gen_(seed) {}

Rng::State Rng::state() const {
  const std::array<std::uint64_t, 4>& words = gen_.state();
  return {seed_, words[0], words[1], words[2], words[3]};
}

void Rng::set_state(const State& state) {
  gen_.set_state({state[1], state[2], state[3], state[4]});
  seed_ = state[0];
}

double Rng::normal() {
  double z0, z1;
  box_muller(gen_, z0, z1);
  return z0;
}

std::uint64_t Rng::uniform_int(std::uint64_t n) {
  if (n == 0) throw Error("Rng::uniform_int: empty range [0, 0)");
  // Lemire (2019): multiply-shift with rejection of the few biased low products.
  u128 product = static_cast<u128>(next_u64()) * n;
  std::uint64_t low = static_cast<std::uint64_t>(product);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      product = static_cast<u128>(next_u64()) * n;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint64_t>(product >> 64);
}

arma::uvec Rng::permutation(std::size_t n) {
  arma::uvec order = arma::regspace<arma::uvec>(0, n == 0 ? 0 : n - 1);
  if (n == 0) return arma::uvec();
  for (std::size_t i = n - 1; i > 0; --i) std::swap(order[i], order[uniform_int(i + 1)]);
  return order;
}

template <typename T>
void Rng::fill_uniform(arma::Mat<T>& m, T lo, T hi) {
  fill_blocks(*this, m, [lo, hi](Xoshiro256& gen, T* first, T* last) {
    for (T* p = first; p != last; ++p) *p = static_cast<T>(lo + (hi - lo) * gen.uniform());
  });
}

template <typename T>
void Rng::fill_normal(arma::Mat<T>& m, T mean, T stddev) {
  fill_blocks(*this, m, [mean, stddev](Xoshiro256& gen, T* first, T* last) {
    double z0, z1;
    for (T* p = first; p < last; p += 2) {
      box_muller(gen, z0, z1);
      p[0] = static_cast<T>(mean + stddev * z0);
      if (p + 1 < last) p[1] = static_cast<T>(mean + stddev * z1);
    }
  });
}

template <typename T>
void Rng::fill_bernoulli(arma::Mat<T>& m, double p) {
  if (!(p >= 0.0 && p <= 1.0)) throw Error("Rng::fill_bernoulli: probability must be in [0, 1], got " + std::to_string(p));
  fill_blocks(*this, m, [p](Xoshiro256& gen, T* first, T* last) {
    for (T* q = first; q != last; ++q) *q = gen.uniform() < p ? T(1) : T(0);
  });
}

template void Rng::fill_uniform<float>(arma::Mat<float>&, float, float);
template void Rng::fill_uniform<double>(arma::Mat<double>&, double, double);
template void Rng::fill_normal<float>(arma::Mat<float>&, float, float);
template void Rng::fill_normal<double>(arma::Mat<double>&, double, double);
template void Rng::fill_bernoulli<float>(arma::Mat<float>&, double);
template void Rng::fill_bernoulli<double>(arma::Mat<double>&, double);

}  // namespace lecon
