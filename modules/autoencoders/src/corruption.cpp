#include "lecon/autoencoders/corruption.hpp"

#include <cmath>
#include <numeric>
#include <vector>

#include "lecon/core/error.hpp"
#include "lecon/core/parallel.hpp"

namespace lecon {
namespace {

std::string text_of(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

// The generator of example i of a forward keyed by key (the same for any thread count).
Rng example_generator(std::uint64_t key, std::size_t i) { return Rng(key ^ (0x9e3779b97f4a7c15ULL * (static_cast<std::uint64_t>(i) + 1))); }

}  // namespace

CorruptionKind corruption_from_name(const std::string& name) {
  if (name == "masking") return CorruptionKind::masking;
  if (name == "gaussian") return CorruptionKind::gaussian;
  if (name == "salt_and_pepper") return CorruptionKind::salt_and_pepper;
  throw OptionError("corruption '" + name + "': expected masking, gaussian or salt_and_pepper");
}

std::string corruption_name(CorruptionKind kind) {
  switch (kind) {
    case CorruptionKind::masking: return "masking";
    case CorruptionKind::gaussian: return "gaussian";
    case CorruptionKind::salt_and_pepper: return "salt_and_pepper";
  }
  throw Error("unknown corruption kind");
}

void check_corruption_level(CorruptionKind kind, double level) {
  if (kind == CorruptionKind::gaussian) {
    if (!(level >= 0 && std::isfinite(level)))
      throw OptionError("corruption_level: expected a finite standard deviation σ >= 0 for gaussian noise, got " + text_of(level));
    return;
  }
  if (!(level >= 0 && level < 1))
    throw OptionError("corruption_level: expected a proportion ν in [0, 1) for " + corruption_name(kind) + " noise, got " + text_of(level));
}

std::size_t corrupted_inputs(double proportion, std::size_t d) {
  return static_cast<std::size_t>(std::llround(proportion * static_cast<double>(d)));
}

template <typename T>
Corruption<T>::Corruption(CorruptionKind kind, double level) : kind_(kind), level_(level) {
  check_corruption_level(kind, level);
}

template <typename T>
void Corruption<T>::forward(const Tensor<T>& x, Tensor<T>& y, const Context& ctx) {
  ensure_shape(y, x.shape());
  y.matrix() = x.matrix();
  applied_ = ctx.training && level_ > 0;
  if (!applied_) return;  // evaluation: x̃ = x
  if (ctx.rng == nullptr) throw Error("Corruption: training mode needs a random generator in the Context");
  arma::Mat<T>& out = y.matrix();
  const std::size_t d = out.n_rows, n = out.n_cols;
  if (kind_ == CorruptionKind::gaussian) {
    // [paper: Vincent et al. 2010]  x̃ = x + ε,  ε ~ N(0, σ² I)
    arma::Mat<T> noise(d, n);
    ctx.rng->fill_normal(noise, T(0), static_cast<T>(level_));
    out += noise;
    kept_.ones(d, n);
    return;
  }
  // EXERCISE masking-noise BEGIN
  kept_.ones(d, n);
  const std::size_t count = corrupted_inputs(level_, d);
  const std::uint64_t key = ctx.rng->next_u64();
  const bool salt_and_pepper = kind_ == CorruptionKind::salt_and_pepper;
  parallel_for(n, [&](std::size_t i) {
    Rng rng = example_generator(key, i);
    // [slide: Réseaux Denoising Auto Encoder]  zero a given proportion ν of the inputs: the first `count`
    // entries of a partial Fisher-Yates shuffle are a uniform choice of count inputs out of d.
    std::vector<std::size_t> order(d);
    std::iota(order.begin(), order.end(), std::size_t(0));
    T* column = out.colptr(i);
    T* kept = kept_.colptr(i);
    for (std::size_t j = 0; j < count; ++j) {
      std::swap(order[j], order[j + rng.uniform_int(d - j)]);
      const std::size_t input = order[j];
      // [paper: Vincent et al. 2010] salt-and-pepper: 0 or 1 by a fair coin instead of 0
      column[input] = salt_and_pepper ? static_cast<T>(rng.next_u64() >> 63) : T(0);
      kept[input] = T(0);
    }
  }, 4 * d);
  // EXERCISE masking-noise END
}

template <typename T>
void Corruption<T>::backward(const Tensor<T>& dy, Tensor<T>* dx) {
  if (dx == nullptr) return;
  ensure_shape(*dx, dy.shape());
  if (applied_) dx->matrix() = dy.matrix() % kept_;
  else dx->matrix() = dy.matrix();
}

template <typename T>
std::map<std::string, double> Corruption<T>::config() const {
  return {{"noise", static_cast<double>(kind_)}, {"level", level_}};
}

template <typename T>
Tensor<T> corrupt(const Tensor<T>& x, CorruptionKind kind, double level, Rng& rng) {
  Corruption<T> layer(kind, level);
  Tensor<T> y;
  layer.forward(x, y, Context{true, &rng});
  return y;
}

template class Corruption<float>;
template class Corruption<double>;
template Tensor<float> corrupt<float>(const Tensor<float>&, CorruptionKind, double, Rng&);
template Tensor<double> corrupt<double>(const Tensor<double>&, CorruptionKind, double, Rng&);

}  // namespace lecon
