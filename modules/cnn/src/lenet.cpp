#include "lecon/cnn/lenet.hpp"

#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/model_io.hpp"
#include "lecon/cnn/augmentation.hpp"
#include "lecon/cnn/conv2d.hpp"
#include "lecon/cnn/flatten.hpp"
#include "lecon/cnn/pooling.hpp"

namespace lecon {

template <typename T>
Sequential<T> lenet(std::size_t channels, std::size_t height, std::size_t width, std::size_t classes, Rng& rng) {
  // 5x5 conv, pool 2, 5x5 conv, pool 2 leave at least 1x1 only from 16x16 up.
  if (height < 16 || width < 16)
    throw Error("lenet: a " + std::to_string(height) + "x" + std::to_string(width) + " image is too small for LeNet (at least 16x16)");
  const std::size_t h2 = ((height - 4) / 2 - 4) / 2, w2 = ((width - 4) / 2 - 4) / 2;
  Sequential<T> model;
  model.template add<Conv2D<T>>(channels, 20, 5, rng).template add<MaxPool2D<T>>(2);
  model.template add<Conv2D<T>>(20, 50, 5, rng).template add<MaxPool2D<T>>(2);
  model.template add<Flatten<T>>();
  model.template add<Dense<T>>(50 * h2 * w2, 500, rng).template add<ActivationLayer<T>>(Activation::relu);
  model.template add<Dense<T>>(500, classes, rng);
  return model;
}

template <typename T>
std::vector<SharingRow> weight_sharing(Sequential<T>& model, const Shape& input) {
  std::vector<SharingRow> rows;
  Shape shape = input.with_batch(1);
  for (std::size_t i = 0; i < model.size(); ++i) {
    Layer<T>& layer = model.layer(i);
    const Shape out = layer.output_shape(shape);
    std::size_t count = 0;
    for (Param<T>* p : layer.params()) count += p->value.n_elem;
    if (count > 0) rows.push_back({layer.kind(), shape, out, count, shape.sample_size() * out.sample_size() + out.sample_size()});
    shape = out;
  }
  return rows;
}

void register_cnn_layers() {
  auto add = [](auto tag) {
    using T = decltype(tag);
    register_layer<T>("Conv2D", [](const LayerConfig& c) -> LayerPtr<T> {
      const std::size_t channels = c.size("channels"), filters = c.size("filters"), kernel = c.size("kernel");
      c.expect_parameters({{filters, channels, kernel, kernel}, {filters}});  // W, b
      Rng unused(0);  // the weights are read from the file right after
      return std::make_unique<Conv2D<T>>(channels, filters, kernel, unused, c.size("stride"), c.size("padding"));
    });
    register_layer<T>("MaxPool2D", [](const LayerConfig& c) -> LayerPtr<T> {
      return std::make_unique<MaxPool2D<T>>(c.size("kernel"), c.size("stride"));
    });
    register_layer<T>("AvgPool2D", [](const LayerConfig& c) -> LayerPtr<T> {
      return std::make_unique<AvgPool2D<T>>(c.size("kernel"), c.size("stride"));
    });
    register_layer<T>("RandomCropFlip", [](const LayerConfig& c) -> LayerPtr<T> {
      return std::make_unique<RandomCropFlip<T>>(c.size("padding"), c.size("flip") != 0);
    });
    register_layer<T>("Flatten", [](const LayerConfig&) -> LayerPtr<T> { return std::make_unique<Flatten<T>>(); });
  };
  add(float{});
  add(double{});
}

template Sequential<float> lenet<float>(std::size_t, std::size_t, std::size_t, std::size_t, Rng&);
template Sequential<double> lenet<double>(std::size_t, std::size_t, std::size_t, std::size_t, Rng&);
template std::vector<SharingRow> weight_sharing<float>(Sequential<float>&, const Shape&);
template std::vector<SharingRow> weight_sharing<double>(Sequential<double>&, const Shape&);

}  // namespace lecon
