#include "lecon/perceptron/activations.hpp"

namespace lecon {

Activation activation_from_name(const std::string& name) {
  if (name == "linear") return Activation::linear;
  if (name == "sigmoid" || name == "logistic") return Activation::sigmoid;
  if (name == "tanh") return Activation::tanh;
  if (name == "relu") return Activation::relu;
  if (name == "elu") return Activation::elu;
  if (name == "softplus") return Activation::softplus;
  throw OptionError("activation '" + name + "': expected linear, sigmoid, tanh, relu, elu or softplus");
}

std::string activation_name(Activation kind) {
  switch (kind) {
    case Activation::linear: return "linear";
    case Activation::sigmoid: return "sigmoid";
    case Activation::tanh: return "tanh";
    case Activation::relu: return "relu";
    case Activation::elu: return "elu";
    case Activation::softplus: return "softplus";
  }
  return "?";
}

}  // namespace lecon
