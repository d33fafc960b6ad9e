#include "lecon/cnn/cifar_net.hpp"

#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/cnn/conv2d.hpp"
#include "lecon/cnn/flatten.hpp"
#include "lecon/cnn/pooling.hpp"

namespace lecon {

template <typename T>
void add_cifar_18pct(Sequential<T>& model, std::size_t classes, Rng& rng) {
  if (classes < 2) throw Error("cifar_18pct: expected at least 2 classes, got " + std::to_string(classes));
  // [paper: Krizhevsky, cuda-convnet layers-18pct.cfg] conv1, pool1 (max), relu, conv2 (relu), pool2 (avg),
  // conv3 (relu), pool3 (avg), fc10; 5x5 kernels with padding 2 keep the map size.
  model.template add<Conv2D<T>>(3, 32, 5, rng, 1, 2).template add<MaxPool2D<T>>(3, 2).template add<ActivationLayer<T>>(Activation::relu);
  model.template add<Conv2D<T>>(32, 32, 5, rng, 1, 2).template add<ActivationLayer<T>>(Activation::relu).template add<AvgPool2D<T>>(3, 2);
  model.template add<Conv2D<T>>(32, 64, 5, rng, 1, 2).template add<ActivationLayer<T>>(Activation::relu).template add<AvgPool2D<T>>(3, 2);
  model.template add<Flatten<T>>();
  model.template add<Dense<T>>(64 * 3 * 3, classes, rng);
}

template <typename T>
Sequential<T> cifar_18pct(std::size_t classes, Rng& rng) {
  Sequential<T> model;
  add_cifar_18pct(model, classes, rng);
  return model;
}

template void add_cifar_18pct<float>(Sequential<float>&, std::size_t, Rng&);
template void add_cifar_18pct<double>(Sequential<double>&, std::size_t, Rng&);
template Sequential<float> cifar_18pct<float>(std::size_t, Rng&);
template Sequential<double> cifar_18pct<double>(std::size_t, Rng&);

}  // namespace lecon
