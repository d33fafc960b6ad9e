#include "lecon/cnn/augmentation.hpp"

#include "lecon/core/parallel.hpp"

namespace lecon {
namespace {

void check_batch(const Shape& shape, std::size_t draws, const char* what) {
  if (shape.rank() != 4) throw Error(std::string(what) + ": expected images (n, channels, height, width), got " + shape.str());
  if (draws != shape.batch())
    throw Error(std::string(what) + ": " + std::to_string(draws) + " crops for a batch of " + std::to_string(shape.batch()));
}

// Calls visit(output offset, input offset) for every output pixel of sample `draw` whose source lies in the
// image: the index arithmetic of the map y[c, i, j] = x[c, i + a - p, k + b - p] shared by both directions.
template <typename Visit>
void for_each_pixel(const Shape& shape, const CropFlip& draw, std::size_t padding, Visit visit) {
  const std::size_t channels = shape[1], height = shape[2], width = shape[3];
  if (draw.row_offset > 2 * padding || draw.column_offset > 2 * padding)
    throw Error("crop_and_flip: offset (" + std::to_string(draw.row_offset) + ", " + std::to_string(draw.column_offset) +
                ") outside [0, " + std::to_string(2 * padding) + "]");
  const auto a = static_cast<std::ptrdiff_t>(draw.row_offset) - static_cast<std::ptrdiff_t>(padding);
  const auto b = static_cast<std::ptrdiff_t>(draw.column_offset) - static_cast<std::ptrdiff_t>(padding);
  const auto h = static_cast<std::ptrdiff_t>(height), w = static_cast<std::ptrdiff_t>(width);
  for (std::size_t c = 0; c < channels; ++c)
    for (std::ptrdiff_t i = 0; i < h; ++i) {
      const std::ptrdiff_t row = i + a;
      if (row < 0 || row >= h) continue;
      for (std::ptrdiff_t j = 0; j < w; ++j) {
        const std::ptrdiff_t column = (draw.flip ? w - 1 - j : j) + b;
        if (column < 0 || column >= w) continue;
        visit(c * height * width + static_cast<std::size_t>(i * w + j), c * height * width + static_cast<std::size_t>(row * w + column));
      }
    }
}

}  // namespace

template <typename T>
void crop_and_flip(const Tensor<T>& x, Tensor<T>& y, const std::vector<CropFlip>& draws, std::size_t padding) {
  check_batch(x.shape(), draws.size(), "crop_and_flip");
  ensure_shape(y, x.shape());
  y.matrix().zeros();  // the padding
  const std::size_t sample = x.sample_size();
  parallel_for(x.batch(), [&](std::size_t n) {
    const T* in = x.data() + n * sample;
    T* out = y.data() + n * sample;
    for_each_pixel(x.shape(), draws[n], padding, [&](std::size_t o, std::size_t i) { out[o] = in[i]; });
  }, sample);
}

template <typename T>
void crop_and_flip_backward(const Tensor<T>& dy, Tensor<T>& dx, const std::vector<CropFlip>& draws, std::size_t padding) {
  check_batch(dy.shape(), draws.size(), "crop_and_flip_backward");
  ensure_shape(dx, dy.shape());
  dx.matrix().zeros();  // pixels the crop left out get no gradient
  const std::size_t sample = dy.sample_size();
  parallel_for(dy.batch(), [&](std::size_t n) {
    const T* in = dy.data() + n * sample;
    T* out = dx.data() + n * sample;
    for_each_pixel(dy.shape(), draws[n], padding, [&](std::size_t o, std::size_t i) { out[i] = in[o]; });
  }, sample);
}

template <typename T>
Shape RandomCropFlip<T>::output_shape(const Shape& input) const {
  if (input.rank() != 4) throw Error("RandomCropFlip: expected images (n, channels, height, width), got " + input.str());
  return input;
}

template <typename T>
void RandomCropFlip<T>::forward(const Tensor<T>& x, Tensor<T>& y, const Context& ctx) {
  in_shape_ = output_shape(x.shape());
  ready_ = true;
  draws_.clear();
  if (!ctx.training) {  // eval: the images as they are
    ensure_shape(y, in_shape_);
    y.matrix() = x.matrix();
    return;
  }
  if (ctx.rng == nullptr) throw Error("RandomCropFlip: training mode needs the Context's Rng");
  draws_.resize(x.batch());
  for (CropFlip& d : draws_) {  // sequentially from the one Rng, so a seed fixes every draw (rule 12)
    d.row_offset = static_cast<std::size_t>(ctx.rng->uniform_int(2 * padding_ + 1));
    d.column_offset = static_cast<std::size_t>(ctx.rng->uniform_int(2 * padding_ + 1));
    d.flip = flip_ && ctx.rng->uniform_int(2) == 1;
  }
  crop_and_flip(x, y, draws_, padding_);
}

template <typename T>
void RandomCropFlip<T>::backward(const Tensor<T>& dy, Tensor<T>* dx) {
  if (!ready_) throw Error("RandomCropFlip::backward called before forward");
  if (dy.shape() != in_shape_) throw Error("RandomCropFlip::backward: gradient " + dy.shape().str() + " does not match input " + in_shape_.str());
  if (dx == nullptr) return;  // the usual case: the first layer of the network
  if (draws_.empty()) {
    ensure_shape(*dx, in_shape_);
    dx->matrix() = dy.matrix();
    return;
  }
  crop_and_flip_backward(dy, *dx, draws_, padding_);
}

template void crop_and_flip<float>(const Tensor<float>&, Tensor<float>&, const std::vector<CropFlip>&, std::size_t);
template void crop_and_flip<double>(const Tensor<double>&, Tensor<double>&, const std::vector<CropFlip>&, std::size_t);
template void crop_and_flip_backward<float>(const Tensor<float>&, Tensor<float>&, const std::vector<CropFlip>&, std::size_t);
template void crop_and_flip_backward<double>(const Tensor<double>&, Tensor<double>&, const std::vector<CropFlip>&, std::size_t);
template class RandomCropFlip<float>;
template class RandomCropFlip<double>;

}  // namespace lecon
