#pragma once
// A network made for CIFAR-10: Krizhevsky's cuda-convnet "layers-18pct" (example-layers/layers-18pct.cfg),
// about 18% test error without augmentation and about 11% with translations and flips as published
// (docs/references.md). Per 3x32x32 image:
//   conv 5x5, 32 filters, padding 2 -> max-pool 3x3 stride 2 -> ReLU
//   -> conv 5x5, 32 filters, padding 2 -> ReLU -> average-pool 3x3 stride 2
//   -> conv 5x5, 64 filters, padding 2 -> ReLU -> average-pool 3x3 stride 2
//   -> flatten -> dense `classes` (the softmax sits in the loss, SoftmaxCrossEntropy)
// Two differences from the .cfg, both said in docs/cnn.md: the local response normalisation after the
// first two blocks is left out (the issue makes it optional; lecon has no such layer), and lecon's pooling
// drops windows that would leave the image, so the maps are 32 -> 15 -> 7 -> 3 where cuda-convnet's
// pooling (its last window hangs over the edge) gives 32 -> 16 -> 8 -> 4:
//   (3,32,32) -> (32,32,32) -> (32,15,15) -> (32,15,15) -> (32,7,7) -> (64,7,7) -> (64,3,3) -> 576 -> 10,
// 85,098 parameters for 10 classes.
#include "lecon/backprop/sequential.hpp"

namespace lecon {

// Appends the layers above to `model` (after an augmentation layer, say) for 3x32x32 input.
template <typename T>
void add_cifar_18pct(Sequential<T>& model, std::size_t classes, Rng& rng);

// The network alone: cifar_18pct<float>(10, rng).
template <typename T>
Sequential<T> cifar_18pct(std::size_t classes, Rng& rng);

}  // namespace lecon
