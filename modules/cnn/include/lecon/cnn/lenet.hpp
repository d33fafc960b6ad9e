#pragma once
// LeNet, as in Caffe's MNIST example and the lecture's convolutional slide:
//   conv 5x5, 20 filters -> max-pool 2 -> conv 5x5, 50 filters -> max-pool 2 -> flatten
//   -> dense 500 + ReLU -> dense `classes` (the softmax sits in the loss, SoftmaxCrossEntropy)
// On 28x28 MNIST: (1,28,28) -> (20,24,24) -> (20,12,12) -> (50,8,8) -> (50,4,4) -> 800 -> 500 -> 10,
// 431,080 parameters. On 32x32x3 CIFAR the same code gives (3,32,32) -> ... -> (50,5,5) -> 1250 -> 500 -> 10.
#include <string>
#include <vector>

#include "lecon/backprop/sequential.hpp"

namespace lecon {

template <typename T>
Sequential<T> lenet(std::size_t channels, std::size_t height, std::size_t width, std::size_t classes, Rng& rng);

// Weight sharing in numbers: for each layer with parameters, its count, and the count of a dense layer
// joining the same input and output values (every output unit with its own weight to every input).
struct SharingRow {
  std::string layer;          // "Conv2D"
  Shape input, output;        // one sample's shapes (batch 1)
  std::size_t parameters = 0;
  std::size_t dense_equivalent = 0;
};
template <typename T>
std::vector<SharingRow> weight_sharing(Sequential<T>& model, const Shape& input);

// Makes load_model know Conv2D, MaxPool2D, AvgPool2D, Flatten and RandomCropFlip (call once before loading such a model).
void register_cnn_layers();

}  // namespace lecon
