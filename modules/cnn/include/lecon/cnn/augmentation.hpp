#pragma once
// Data augmentation for images, as a step of the pipeline applied to each training batch: random crops of
// the image size from the image zero-padded by p pixels on every side, and random horizontal flips
// (the standard CIFAR-10 augmentation; [paper: Krizhevsky, Sutskever & Hinton 2012, §4.1] takes crops and
// their mirror images). It is a layer placed first in the network, like keras' RandomCrop/RandomFlip
// preprocessing layers: in training mode each sample of a batch gets its own draw from the Context's Rng
// (so a seed fixes every crop), in eval mode the layer passes the images through unchanged.
//
// For sample n with offsets (a, b) drawn uniformly from {0, ..., 2p} and a flip bit f (probability 1/2):
//   y[c, i, j] = x[c, i + a - p, k + b - p],   k = W - 1 - j if f else j     (0 where x is outside the image)
// backward is the same map read the other way: ∂L/∂x[c, i + a - p, k + b - p] = ∂L/∂y[c, i, j] (each input
// pixel feeds at most one output pixel), 0 for the pixels the crop left out.
#include <cstdint>
#include <vector>

#include "lecon/backprop/layer.hpp"

namespace lecon {

// One sample's draw: the crop's offsets into the padded image, and whether the crop is flipped.
struct CropFlip {
  std::size_t row_offset = 0, column_offset = 0;  // a, b in [0, 2p]
  bool flip = false;
};

// The map above for a batch x (n, C, H, W) with one CropFlip per sample; y gets x's shape.
template <typename T>
void crop_and_flip(const Tensor<T>& x, Tensor<T>& y, const std::vector<CropFlip>& draws, std::size_t padding);
// Its transpose: dx (n, C, H, W) from dy (n, C, H, W).
template <typename T>
void crop_and_flip_backward(const Tensor<T>& dy, Tensor<T>& dx, const std::vector<CropFlip>& draws, std::size_t padding);

template <typename T>
class RandomCropFlip : public Layer<T> {
 public:
  // padding p >= 0 (0 with flip = false makes the layer the identity); flip: whether to mirror half the samples.
  explicit RandomCropFlip(std::size_t padding, bool flip = true) : padding_(padding), flip_(flip) {}

  std::string kind() const override { return "RandomCropFlip"; }
  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor<T>& x, Tensor<T>& y, const Context& ctx) override;
  void backward(const Tensor<T>& dy, Tensor<T>* dx) override;
  std::map<std::string, double> config() const override { return {{"padding", static_cast<double>(padding_)}, {"flip", flip_ ? 1.0 : 0.0}}; }
  // The draws of the last training forward (empty after an eval forward).
  const std::vector<CropFlip>& draws() const { return draws_; }

 private:
  std::size_t padding_;
  bool flip_;
  Shape in_shape_;
  bool ready_ = false;
  std::vector<CropFlip> draws_;
};

}  // namespace lecon
