#include "lecon/perceptron/activations.hpp"

namespace lecon {
namespace {

// The names of LECON_ACTIVATIONS, in its order.
const std::vector<std::string>& names() {
#define LECON_ACTIVATION_NAME(name, fn) #name,
  static const std::vector<std::string> list{LECON_ACTIVATIONS(LECON_ACTIVATION_NAME)};
#undef LECON_ACTIVATION_NAME
  return list;
}

}  // namespace

const std::vector<Activation>& all_activations() {
#define LECON_ACTIVATION_VALUE(name, fn) Activation::name,
  static const std::vector<Activation> list{LECON_ACTIVATIONS(LECON_ACTIVATION_VALUE)};
#undef LECON_ACTIVATION_VALUE
  return list;
}

Activation activation_from_name(const std::string& name) {
  if (name == "logistic") return Activation::sigmoid;  // R's and scikit-learn's word for it
  for (std::size_t i = 0; i < names().size(); ++i)
    if (names()[i] == name) return all_activations()[i];
  throw OptionError("activation '" + name + "': expected one of " + activation_names());
}

std::string activation_name(Activation kind) {
  const auto index = static_cast<std::size_t>(kind);
  if (index >= names().size()) throw Error("unknown activation number " + std::to_string(index));
  return names()[index];
}

std::string activation_names() {
  std::string text;
  for (const std::string& name : names()) text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace lecon
