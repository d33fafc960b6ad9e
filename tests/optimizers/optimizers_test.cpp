// Optimizers: the update equations by hand (the slides' forms too), every rule against PyTorch's (or keras'
// formula) over 20 steps at two settings, AdamW (Adam + DecoupledWeightDecay) against torch.optim.AdamW,
// learning-rate schedules, and optimizer state that resumes training exactly.
//
// The reference trajectories are the committed file torch_reference.txt, written by make_torch_reference.py
// (which needs Debian's python3-torch); this test needs no PyTorch.
#include <boost/test/unit_test.hpp>
#include <array>
#include <cstdlib>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <sstream>

#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/loss.hpp"
#include "lecon/backprop/model_io.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/core/hdf5_io.hpp"
#include "lecon/core/parallel.hpp"
#include "lecon/optimizers/adadelta.hpp"
#include "lecon/optimizers/adagrad.hpp"
#include "lecon/optimizers/adam.hpp"
#include "lecon/optimizers/adamax.hpp"
#include "lecon/optimizers/amsgrad.hpp"
#include "lecon/optimizers/convention.hpp"
#include "lecon/optimizers/nadam.hpp"
#include "lecon/optimizers/rmsprop.hpp"
#include "lecon/optimizers/schedule.hpp"
#include "lecon/optimizers/sgd.hpp"
#include "lecon/regularisation/weight_decay.hpp"
#include "test_util.hpp"
#include "worse.hpp"

using namespace lecon;

namespace {

Param<double> param(double value, double grad) {
  return Param<double>{"w", arma::mat(1, 1, arma::fill::value(value)), arma::mat(1, 1, arma::fill::value(grad)), true};
}

// --- the reference file ---

struct ReferenceCase {
  std::string optimizer;  // "Adam", ...
  std::string reference;  // "torch" or "numpy" (keras' formula written out)
  std::map<std::string, std::string> settings;
  std::vector<arma::vec> steps;  // θ after step 1, 2, ... (both parameters, concatenated)
  std::string label() const {
    std::string s = optimizer + " vs " + reference;
    for (const auto& [key, value] : settings) s += " " + key + "=" + value;
    return s;
  }
};

struct Reference {
  std::vector<std::size_t> shapes;  // lengths of the parameter vectors
  arma::vec start;
  std::vector<arma::vec> gradients;
  std::vector<ReferenceCase> cases;
};

std::string reference_path() {
  const char* data = std::getenv("LECON_DATA_DIR");
  const std::filesystem::path root =
      data ? std::filesystem::path(data) / ".." : std::filesystem::path(__FILE__).parent_path() / ".." / "..";
  return (root / "tests" / "optimizers" / "torch_reference.txt").string();
}

arma::vec numbers(std::istringstream& line) {
  std::vector<double> values;
  std::string word;
  while (line >> word) values.push_back(std::stod(word));
  return arma::vec(values);
}

const Reference& reference() {
  static const Reference ref = [] {
    Reference r;
    std::ifstream in(reference_path());
    if (!in) throw std::runtime_error(reference_path() + ": cannot read (run tests/optimizers/make_torch_reference.py)");
    std::string text;
    while (std::getline(in, text)) {
      if (text.empty() || text[0] == '#') continue;
      std::istringstream line(text);
      std::string tag;
      line >> tag;
      if (tag == "shapes") {
        std::size_t n;
        while (line >> n) r.shapes.push_back(n);
      } else if (tag == "steps") {
        continue;
      } else if (tag == "start") {
        r.start = numbers(line);
      } else if (tag == "gradient") {
        std::size_t t;
        line >> t;
        r.gradients.push_back(numbers(line));
      } else if (tag == "case") {
        ReferenceCase c;
        line >> c.optimizer >> c.reference;
        std::string setting;
        while (line >> setting) {
          const std::size_t eq = setting.find('=');
          c.settings[setting.substr(0, eq)] = setting.substr(eq + 1);
        }
        r.cases.push_back(c);
      } else if (tag == "step") {
        std::size_t t;
        line >> t;
        r.cases.back().steps.push_back(numbers(line));
      } else {
        throw std::runtime_error(reference_path() + ": unexpected line '" + text + "'");
      }
    }
    return r;
  }();
  return ref;
}

// AdamW as lecon composes it: Adam (or AMSGrad) with PyTorch's ε and a DecoupledWeightDecay observer, called
// in fit's order around every step (after backward, the step, after the step). decay_after = true is the
// order DecoupledWeightDecay had before (w <- (1 - ηλ) w after the step), for the test that tells them apart.
template <typename T>
class WithDecoupledDecay : public Optimizer<T> {
 public:
  WithDecoupledDecay(std::unique_ptr<Optimizer<T>> inner, double lambda, bool decay_after = false)
      : inner_(std::move(inner)), decay_(lambda, *inner_), lambda_(lambda), decay_after_(decay_after) {
    this->set_learning_rate(inner_->learning_rate());
  }
  std::string name() const override { return inner_->name() + " + decoupled weight decay"; }

 protected:
  void update(const std::vector<Param<T>*>& params) override {
    if (decay_after_) {
      inner_->step(params);
      for (Param<T>* p : params) p->value *= static_cast<T>(1 - inner_->learning_rate() * lambda_);
      return;
    }
    decay_.after_backward(params);
    inner_->step(params);
    decay_.after_step(params);
  }

 private:
  std::unique_ptr<Optimizer<T>> inner_;
  DecoupledWeightDecay<T> decay_;
  double lambda_;
  bool decay_after_;
};

// The optimizer a reference case describes, in T.
template <typename T>
std::unique_ptr<Optimizer<T>> make_optimizer(const std::string& name, const std::map<std::string, std::string>& s,
                                             EpsilonConvention* convention_override = nullptr) {
  auto number = [&](const std::string& key) { return std::stod(s.at(key)); };
  auto convention = [&] {
    if (convention_override) return *convention_override;
    return s.at("convention") == "keras" ? EpsilonConvention::keras : EpsilonConvention::pytorch;
  };
  const double lr = number("lr");
  if (name == "SGD") return std::make_unique<SGD<T>>(lr);
  if (name == "Momentum") return std::make_unique<SGD<T>>(lr, number("momentum"));
  if (name == "Nesterov") return std::make_unique<SGD<T>>(lr, number("momentum"), true);
  if (name == "Adagrad") return std::make_unique<Adagrad<T>>(lr, number("epsilon"), number("initial_accumulator"));
  if (name == "Adadelta") return std::make_unique<Adadelta<T>>(lr, number("rho"), number("epsilon"));
  if (name == "RMSprop") return std::make_unique<RMSprop<T>>(lr, number("rho"), number("epsilon"));
  if (name == "Adam") return std::make_unique<Adam<T>>(lr, number("beta_1"), number("beta_2"), number("epsilon"), convention());
  if (name == "AMSGrad") return std::make_unique<AMSGrad<T>>(lr, number("beta_1"), number("beta_2"), number("epsilon"), convention());
  if (name == "AdaMax") return std::make_unique<AdaMax<T>>(lr, number("beta_1"), number("beta_2"), number("epsilon"), convention());
  if (name == "Nadam")
    return std::make_unique<Nadam<T>>(lr, number("beta_1"), number("beta_2"), number("epsilon"), number("schedule_decay"),
                                      s.at("momentum") == "constant" ? NadamMomentum::constant : NadamMomentum::warming);
  if (name == "AdamW") {  // torch.optim.AdamW: PyTorch's ε
    std::unique_ptr<Optimizer<T>> adam;
    if (s.at("amsgrad") == "yes")
      adam = std::make_unique<AMSGrad<T>>(lr, number("beta_1"), number("beta_2"), number("epsilon"), Convention::pytorch);
    else
      adam = std::make_unique<Adam<T>>(lr, number("beta_1"), number("beta_2"), number("epsilon"), Convention::pytorch);
    return std::make_unique<WithDecoupledDecay<T>>(std::move(adam), number("weight_decay"));
  }
  throw std::runtime_error("unknown optimizer " + name);
}

// Runs the 20 steps of the reference problem (parameters tiled `copies` times) and returns θ after each step,
// as the concatenation of the first copy of every parameter.
template <typename T>
std::vector<arma::vec> run(Optimizer<T>& optimizer, std::size_t copies = 1) {
  const Reference& r = reference();
  std::vector<Param<T>> params;
  std::size_t offset = 0;
  for (std::size_t n : r.shapes) {
    const arma::Col<T> start = arma::conv_to<arma::Col<T>>::from(r.start.subvec(offset, offset + n - 1));
    params.push_back(Param<T>{"p" + std::to_string(params.size()), arma::repmat(arma::Mat<T>(start), copies, 1),
                              arma::Mat<T>(n * copies, 1, arma::fill::zeros), true});
    offset += n;
  }
  std::vector<Param<T>*> pointers;
  for (Param<T>& p : params) pointers.push_back(&p);
  std::vector<arma::vec> trajectory;
  for (const arma::vec& g : r.gradients) {
    offset = 0;
    for (Param<T>& p : params) {
      const arma::Col<T> part = arma::conv_to<arma::Col<T>>::from(g.subvec(offset, offset + p.value.n_rows / copies - 1));
      p.grad = arma::repmat(arma::Mat<T>(part), copies, 1);
      offset += p.value.n_rows / copies;
    }
    optimizer.step(pointers);
    arma::vec theta;
    for (const Param<T>& p : params) theta = arma::join_cols(theta, arma::conv_to<arma::vec>::from(p.value.rows(0, p.value.n_rows / copies - 1)));
    trajectory.push_back(theta);
    // Every copy of a tiled parameter must have taken exactly the same path (the OpenMP path of large parameters).
    if (copies > 1)
      for (const Param<T>& p : params)
        BOOST_REQUIRE(arma::approx_equal(p.value, arma::repmat(p.value.rows(0, p.value.n_rows / copies - 1), copies, 1), "reldiff", T(1e-12)));
  }
  return trajectory;
}

// max over steps and entries of |a - b| / max(|b|, 1e-3)
double max_relative_error(const std::vector<arma::vec>& ours, const std::vector<arma::vec>& expected) {
  BOOST_REQUIRE_EQUAL(ours.size(), expected.size());
  double worst = 0;
  for (std::size_t t = 0; t < ours.size(); ++t)
    worst = test::worse(worst, arma::vec(arma::abs(ours[t] - expected[t]) / arma::clamp(arma::abs(expected[t]), 1e-3, arma::datum::inf)));
  return worst;
}

// --- a small model for training and checkpoint tests ---

Sequential<double> small_model(std::uint64_t seed) {
  Rng rng(seed);
  Sequential<double> model;
  model.add<Dense<double>>(3, 6, rng).add<ActivationLayer<double>>(Activation::tanh).add<Dense<double>>(6, 2, rng);
  return model;
}

struct SmallData {
  Tensor<double> x, y;
};

SmallData small_data() {
  Rng rng(77);
  arma::mat X(3, 40), Y(2, 40);
  rng.fill_normal(X, 0.0, 1.0);
  Y.row(0) = arma::sin(X.row(0)) + X.row(1) % X.row(2);
  Y.row(1) = arma::tanh(X.row(0) - X.row(2));
  return {Tensor<double>::from_columns(X), Tensor<double>::from_columns(Y)};
}

// Every rule, as a fresh optimizer, by name.
std::vector<std::pair<std::string, std::function<std::unique_ptr<Optimizer<double>>()>>> every_optimizer() {
  return {
      {"SGD", [] { return std::make_unique<SGD<double>>(0.05); }},
      {"momentum", [] { return std::make_unique<SGD<double>>(0.05, 0.9); }},
      {"Nesterov", [] { return std::make_unique<SGD<double>>(0.05, 0.9, true); }},
      {"Adagrad", [] { return std::make_unique<Adagrad<double>>(0.05); }},
      {"Adadelta", [] { return std::make_unique<Adadelta<double>>(); }},
      {"RMSprop", [] { return std::make_unique<RMSprop<double>>(0.01); }},
      {"Adam", [] { return std::make_unique<Adam<double>>(0.01); }},
      {"Adam (pytorch ε)", [] { return std::make_unique<Adam<double>>(0.01, 0.9, 0.999, 1e-8, EpsilonConvention::pytorch); }},
      {"AdaMax", [] { return std::make_unique<AdaMax<double>>(); }},
      {"Nadam", [] { return std::make_unique<Nadam<double>>(); }},
      {"Nadam (constant μ)", [] { return std::make_unique<Nadam<double>>(0.002, 0.9, 0.999, 1e-7, 0.004, NadamMomentum::constant); }},
      {"AMSGrad", [] { return std::make_unique<AMSGrad<double>>(0.01); }},
      {"Adagrad (slide)", [] { return std::make_unique<Adagrad<double>>(0.05, 1e-7, 0.0, Convention::slide); }},
      {"Adadelta (slide)", [] { return std::make_unique<Adadelta<double>>(0.001, 0.9, 1e-7, Convention::slide); }},
      {"RMSprop (slide)", [] { return std::make_unique<RMSprop<double>>(0.01, 0.9, 1e-7, Convention::slide); }},
      {"Adam (slide)", [] { return std::make_unique<Adam<double>>(0.01, 0.9, 0.999, 1e-7, Convention::slide); }},
      {"AdaMax (slide)", [] { return std::make_unique<AdaMax<double>>(0.002, 0.9, 0.999, 1e-7, Convention::slide); }},
      {"AMSGrad (slide)", [] { return std::make_unique<AMSGrad<double>>(0.01, 0.9, 0.999, 1e-7, Convention::slide); }},
  };
}

FitOptions epochs(std::size_t n) {
  FitOptions options;
  options.epochs = n;
  options.batch_size = 10;  // 4 steps per epoch
  options.shuffle = false;
  options.accuracy = false;
  return options;
}

bool same_weights(Sequential<double>& a, Sequential<double>& b) {
  const std::vector<Param<double>*> pa = a.params(), pb = b.params();
  if (pa.size() != pb.size()) return false;
  for (std::size_t i = 0; i < pa.size(); ++i)
    if (!arma::approx_equal(pa[i]->value, pb[i]->value, "absdiff", 0.0)) return false;
  return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(optimizers)

BOOST_AUTO_TEST_CASE(sgd_and_momentum_follow_their_equations) {
  Param<double> p = param(1.0, 2.0);
  SGD<double> plain(0.1);
  plain.step({&p});
  BOOST_TEST(std::abs(p.value(0) - 0.8) < 1e-15);
  Param<double> q = param(1.0, 2.0);
  SGD<double> momentum(0.1, 0.9);
  momentum.step({&q});  // v = -0.2
  momentum.step({&q});  // v = 0.9 * -0.2 - 0.2 = -0.38
  BOOST_TEST(std::abs(q.value(0) - (1.0 - 0.2 - 0.38)) < 1e-15);
  Param<double> r = param(1.0, 2.0);
  SGD<double> nesterov(0.1, 0.9, true);
  nesterov.step({&r});  // v = -0.2; θ += 0.9 * -0.2 - 0.2
  BOOST_TEST(std::abs(r.value(0) - (1.0 - 0.38)) < 1e-15);
  test::check_error<OptionError>([] { SGD<double>(-1.0); }, {"learning rate must be positive"});
  test::check_error<OptionError>([] { SGD<double>(0.1, 1.0); }, {"momentum must be in [0, 1)"});
}

BOOST_AUTO_TEST_CASE(rmsprop_follows_its_equations) {
  Param<double> p = param(1.0, 2.0);
  RMSprop<double> rms(0.01, 0.9, 1e-7);
  rms.step({&p});  // r = 0.1 * 4 = 0.4
  BOOST_TEST(std::abs(p.value(0) - (1.0 - 0.01 * 2.0 / (std::sqrt(0.4) + 1e-7))) < 1e-15);
  p.grad(0) = -1.0;
  rms.step({&p});  // r = 0.9 * 0.4 + 0.1 * 1
  BOOST_TEST(std::abs(p.value(0) - (1.0 - 0.01 * 2.0 / (std::sqrt(0.4) + 1e-7) + 0.01 / (std::sqrt(0.46) + 1e-7))) < 1e-15);
}

BOOST_AUTO_TEST_CASE(adaptive_rules_follow_their_equations_at_the_first_step) {
  // One weight θ = 1 with gradient g = 2; the first step of each rule by hand.
  const double g = 2.0;
  auto first_step = [&](Optimizer<double>&& o) {
    Param<double> p = param(1.0, g);
    o.step({&p});
    BOOST_TEST(o.iterations() == 1u);
    return p.value(0);
  };
  // Adagrad: G = g², θ - η g / (|g| + ε)
  BOOST_TEST(std::abs(first_step(Adagrad<double>(0.1, 1e-7)) - (1 - 0.1 * g / (g + 1e-7))) < 1e-15);
  // Adadelta: E[g²] = (1-ρ) g², Δθ = -√ε / √(E[g²] + ε) g
  const double eg2 = 0.05 * g * g;
  BOOST_TEST(std::abs(first_step(Adadelta<double>(1.0, 0.95, 1e-6)) - (1 - std::sqrt(1e-6) / std::sqrt(eg2 + 1e-6) * g)) < 1e-15);
  // Adam: m̂ = g, v̂ = g²: θ - η g / (|g| + ε) with keras' ε̂ scaled by √(1-β2)
  BOOST_TEST(std::abs(first_step(Adam<double>(0.1, 0.9, 0.999, 1e-7, EpsilonConvention::pytorch)) - (1 - 0.1 * g / (g + 1e-7))) < 1e-15);
  BOOST_TEST(std::abs(first_step(Adam<double>(0.1, 0.9, 0.999, 1e-7)) - (1 - 0.1 * g / (g + 1e-7 / std::sqrt(0.001)))) < 1e-15);
  BOOST_TEST(std::abs(first_step(AMSGrad<double>(0.1)) - (1 - 0.1 * g / (g + 1e-7 / std::sqrt(0.001)))) < 1e-15);
  // AdaMax: m = (1-β1) g, u = |g|: θ - η/(1-β1) m / (u + ε)
  BOOST_TEST(std::abs(first_step(AdaMax<double>(0.1, 0.9, 0.999, 1e-7)) - (1 - 0.1 * g / (g + 1e-7))) < 1e-15);
  // Nadam, constant μ = β1: (β1 m + (1-β1) g) / (1-β1) = (0.09 · 2 + 0.1 · 2) / 0.1
  BOOST_TEST(std::abs(first_step(Nadam<double>(0.1, 0.9, 0.999, 1e-300, 0.004, NadamMomentum::constant)) - (1 - 0.1 * 3.8 / g)) < 1e-14);
}

BOOST_AUTO_TEST_CASE(the_slides_forms_follow_the_slides_lines_by_hand) {
  // A 2-element parameter θ = (1, -0.5) and three gradients. Each slide form's three steps are recomputed here
  // in plain doubles from the slide's lines (docs/optimizers.md), independently of the library, to 1e-12.
  using Pair = std::array<double, 2>;
  const std::vector<Pair> grads = {{0.5, -2.0}, {-1.0, 3.0}, {0.25, 1.0}};
  const Pair start = {1.0, -0.5};
  auto ours = [&](Optimizer<double>&& o) {
    Param<double> p{"w", arma::vec{start[0], start[1]}, arma::vec(2, arma::fill::zeros), true};
    std::vector<Pair> path;
    for (const Pair& g : grads) {
      p.grad = arma::vec{g[0], g[1]};
      o.step({&p});
      path.push_back({p.value(0), p.value(1)});
    }
    return path;
  };
  auto same = [](const std::vector<Pair>& a, const std::vector<Pair>& b, const std::string& what) {
    for (std::size_t t = 0; t < b.size(); ++t)
      for (std::size_t k = 0; k < 2; ++k)
        BOOST_TEST(std::abs(a[t][k] - b[t][k]) <= 1e-12 * std::max(1.0, std::abs(b[t][k])),
                   what << " step " << t + 1 << " element " << k << ": " << a[t][k] << " vs " << b[t][k]);
  };
  auto differs = [](const std::vector<Pair>& a, const std::vector<Pair>& b) {
    double worst = 0;
    for (std::size_t t = 0; t < b.size(); ++t)
      for (std::size_t k = 0; k < 2; ++k) worst = test::worse(worst, std::abs(a[t][k] - b[t][k]));
    return worst;
  };
  // Runs `rule(theta, g, t)` over the three gradients from the start: the hand computation.
  auto by_hand = [&](const std::function<void(Pair&, const Pair&, int)>& rule) {
    Pair theta = start;
    std::vector<Pair> path;
    for (int t = 1; t <= 3; ++t) {
      rule(theta, grads[t - 1], t);
      path.push_back(theta);
    }
    return path;
  };

  {  // Adagrad: G <- G + g²,  θ <- θ - η/√(G + ε) · g   (ε = 0.01: large enough that its place matters)
    Pair G = {0, 0};
    const std::vector<Pair> hand = by_hand([&](Pair& th, const Pair& g, int) {
      for (int k = 0; k < 2; ++k) G[k] += g[k] * g[k], th[k] -= 0.1 / std::sqrt(G[k] + 0.01) * g[k];
    });
    same(ours(Adagrad<double>(0.1, 0.01, 0.0, Convention::slide)), hand, "Adagrad (slide)");
    BOOST_TEST(differs(ours(Adagrad<double>(0.1, 0.01)), hand) > 1e-4);  // keras/PyTorch: η g / (√G + ε)
  }
  {  // RMSprop and the slide's Adadelta: E <- γ E + (1 - γ) g²,  θ <- θ - η/√(E + ε) · g
    auto rule = [&](double eta, double gamma, double eps) {
      Pair E = {0, 0};
      return by_hand([&, E](Pair& th, const Pair& g, int) mutable {
        for (int k = 0; k < 2; ++k) E[k] = gamma * E[k] + (1 - gamma) * g[k] * g[k], th[k] -= eta / std::sqrt(E[k] + eps) * g[k];
      });
    };
    same(ours(RMSprop<double>(0.01, 0.9, 0.01, Convention::slide)), rule(0.01, 0.9, 0.01), "RMSprop (slide)");
    BOOST_TEST(differs(ours(RMSprop<double>(0.01, 0.9, 0.01)), rule(0.01, 0.9, 0.01)) > 1e-4);
    same(ours(Adadelta<double>(0.001, 0.9, 0.01, Convention::slide)), rule(0.001, 0.9, 0.01), "Adadelta (slide)");
    BOOST_TEST(differs(ours(Adadelta<double>(0.001, 0.9, 0.01)), rule(0.001, 0.9, 0.01)) > 1e-4);  // Zeiler's
  }
  // Adam and AMSGrad without bias correction: θ <- θ - η m / (√v + ε)   (AMSGrad: v_max <- max(v_max, v))
  auto adam_rule = [&](double eta, double b1, double b2, double eps, bool amsgrad) {
    Pair m = {0, 0}, v = {0, 0}, v_max = {0, 0};
    return by_hand([&](Pair& th, const Pair& g, int) {
      for (int k = 0; k < 2; ++k) {
        m[k] = b1 * m[k] + (1 - b1) * g[k];
        v[k] = b2 * v[k] + (1 - b2) * g[k] * g[k];
        v_max[k] = std::max(v_max[k], v[k]);
        th[k] -= eta * m[k] / (std::sqrt(amsgrad ? v_max[k] : v[k]) + eps);
      }
    });
  };
  same(ours(Adam<double>(0.1, 0.9, 0.999, 1e-3, Convention::slide)), adam_rule(0.1, 0.9, 0.999, 1e-3, false), "Adam (slide)");
  BOOST_TEST(differs(ours(Adam<double>(0.1, 0.9, 0.999, 1e-3, Convention::pytorch)), adam_rule(0.1, 0.9, 0.999, 1e-3, false)) > 1e-2);
  // β2 = 0.5: v of the first element falls at step 3 (0.5625 -> 0.3125), so the maximum matters.
  const std::vector<Pair> amsgrad_hand = adam_rule(0.1, 0.9, 0.5, 1e-3, true);
  same(ours(AMSGrad<double>(0.1, 0.9, 0.5, 1e-3, Convention::slide)), amsgrad_hand, "AMSGrad (slide)");
  BOOST_TEST(differs(ours(Adam<double>(0.1, 0.9, 0.5, 1e-3, Convention::slide)), amsgrad_hand) > 1e-4);
  BOOST_TEST(differs(ours(AMSGrad<double>(0.1, 0.9, 0.5, 1e-3)), amsgrad_hand) > 1e-2);
  {  // AdaMax: one scalar u <- β2 u + (1 - β2) ‖g‖∞ for the tensor (‖g‖∞ = 2, 3, 1 here), θ <- θ - η m / (u + ε)
    Pair m = {0, 0};
    double u = 0;
    const std::vector<Pair> hand = by_hand([&](Pair& th, const Pair& g, int) {
      u = 0.999 * u + 0.001 * std::max(std::abs(g[0]), std::abs(g[1]));
      for (int k = 0; k < 2; ++k) m[k] = 0.9 * m[k] + 0.1 * g[k], th[k] -= 0.002 * m[k] / (u + 1e-7);
    });
    BOOST_TEST(std::abs(hand[0][0] - (1 - 0.002 * 0.05 / (0.002 + 1e-7))) < 1e-15);  // step 1 written out: m = 0.05, u = 0.002
    same(ours(AdaMax<double>(0.002, 0.9, 0.999, 1e-7, Convention::slide)), hand, "AdaMax (slide)");
    BOOST_TEST(differs(ours(AdaMax<double>(0.002, 0.9, 0.999, 1e-7)), hand) > 1e-2);  // element-wise max, bias-corrected m
  }
  {  // Nadam (Ruder 2016): θ <- θ - η/(√v̂ + ε) · (β1 m̂ + (1 - β1) g / (1 - β1^t))
    Pair m = {0, 0}, v = {0, 0};
    const std::vector<Pair> hand = by_hand([&](Pair& th, const Pair& g, int t) {
      for (int k = 0; k < 2; ++k) {
        m[k] = 0.9 * m[k] + 0.1 * g[k];
        v[k] = 0.999 * v[k] + 0.001 * g[k] * g[k];
        const double m_hat = m[k] / (1 - std::pow(0.9, t)), v_hat = v[k] / (1 - std::pow(0.999, t));
        th[k] -= 0.01 / (std::sqrt(v_hat) + 1e-3) * (0.9 * m_hat + 0.1 * g[k] / (1 - std::pow(0.9, t)));
      }
    });
    same(ours(Nadam<double>(0.01, 0.9, 0.999, 1e-3, 0.004, NadamMomentum::slide)), hand, "Nadam (slide)");
    BOOST_TEST(differs(ours(Nadam<double>(0.01, 0.9, 0.999, 1e-3)), hand) > 1e-4);  // Dozat's warming momentum
  }
  // A slide form says so in its config, so that a checkpoint of one form does not load into the other.
  BOOST_TEST(Adam<double>(0.1, 0.9, 0.999, 1e-7, Convention::slide).config().at("slide_form") == 1.0);
  BOOST_TEST(Adam<double>().config().count("slide_form") == 0u);
}

BOOST_AUTO_TEST_CASE(bad_hyper_parameters_are_rejected_with_the_rule_named) {
  test::check_error<OptionError>([] { Adam<double>(0.0); }, {"Adam: learning rate must be positive"});
  test::check_error<OptionError>([] { Adam<double>(0.1, 1.0); }, {"Adam: beta_1 must be in [0, 1)"});
  test::check_error<OptionError>([] { AMSGrad<double>(0.1, 0.9, -0.5); }, {"AMSGrad: beta_2"});
  test::check_error<OptionError>([] { AdaMax<double>(0.1, 0.9, 0.999, -1.0); }, {"AdaMax: epsilon"});
  test::check_error<OptionError>([] { Nadam<double>(0.1, 0.9, 0.999, 1e-7, -1.0); }, {"Nadam: schedule_decay"});
  test::check_error<OptionError>([] { Adadelta<double>(1.0, 1.5); }, {"Adadelta: rho"});
  test::check_error<OptionError>([] { Adadelta<double>(1.0, 0.9, 0.0); }, {"Adadelta: epsilon must be > 0"});
  test::check_error<OptionError>([] { Adagrad<double>(0.1, 1e-7, -0.1); }, {"Adagrad: initial accumulator"});
  test::check_error<OptionError>([] { RMSprop<double>(std::nan("")); }, {"RMSprop: learning rate"});
  RMSprop<double> rms;
  test::check_error<OptionError>([&] { rms.set_learning_rate(-0.1); }, {"RMSprop: learning rate must be positive"});
  // ε = 0 (or an ε that is 0 in float): a weight whose gradients were all 0 so far would step by 0/0 = NaN.
  test::check_error<OptionError>([] { Adam<float>(1e-3, 0.9, 0.999, 0.0); }, {"Adam: epsilon must be > 0"});
  test::check_error<OptionError>([] { Adam<float>(1e-3, 0.9, 0.999, 1e-50); }, {"Adam: epsilon must be > 0"});
  test::check_error<OptionError>([] { AMSGrad<double>(1e-3, 0.9, 0.999, 0.0); }, {"AMSGrad: epsilon must be > 0"});
  test::check_error<OptionError>([] { AdaMax<double>(1e-3, 0.9, 0.999, 0.0); }, {"AdaMax: epsilon must be > 0"});
  test::check_error<OptionError>([] { Nadam<double>(1e-3, 0.9, 0.999, 0.0); }, {"Nadam: epsilon must be > 0"});
  test::check_error<OptionError>([] { RMSprop<double>(1e-3, 0.9, 0.0); }, {"RMSprop: epsilon must be > 0"});
  test::check_error<OptionError>([] { Adadelta<float>(1.0, 0.9, 1e-50); }, {"Adadelta: epsilon must be > 0"});
  test::check_error<OptionError>([] { Adagrad<double>(0.1, 0.0, 0.0); }, {"Adagrad: epsilon or the initial accumulator must be > 0"});
  Adagrad<double> accumulator_only(0.1, 0.0, 0.1);  // PyTorch's Adagrad(eps=0, initial_accumulator_value=0.1): fine
  Param<double> zero_gradient = param(1.0, 0.0);
  accumulator_only.step({&zero_gradient});
  BOOST_TEST(zero_gradient.value(0) == 1.0);
}

BOOST_AUTO_TEST_CASE(state_that_does_not_fit_the_parameters_is_an_error_not_a_crash) {
  Param<double> a = param(1.0, 1.0), b = param(2.0, 1.0);
  Adam<double> adam;
  adam.step({&a, &b});
  test::check_error<Error>([&] { adam.step({&a}); }, {"Adam", "holds 2 matrices for 1 parameters"});
  Param<double> wide{"W", arma::mat(2, 2, arma::fill::ones), arma::mat(2, 2, arma::fill::ones), true};
  test::check_error<Error>([&] { adam.step({&a, &wide}); }, {"Adam", "'W' is 2x2", "is 1x1"});
  Param<double> bad_gradient{"W", arma::mat(1, 1, arma::fill::ones), arma::mat(1, 2, arma::fill::ones), true};
  test::check_error<Error>([&] { adam.step({&a, &bad_gradient}); }, {"Adam", "'W' is 1x1 but its gradient 1x2"});
  SGD<double> plain(0.1);  // no state, but the gradient is still checked
  test::check_error<Error>([&] { plain.step({&bad_gradient}); }, {"SGD", "gradient 1x2"});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(torch_reference)

BOOST_AUTO_TEST_CASE(every_rule_follows_pytorch_or_keras_for_20_steps_at_two_settings) {
  const Reference& r = reference();
  BOOST_REQUIRE_EQUAL(r.gradients.size(), 20u);
  BOOST_REQUIRE_EQUAL(r.cases.size(), 31u);
  std::map<std::string, double> worst;  // per optimizer and reference
  for (const ReferenceCase& c : r.cases) {
    BOOST_REQUIRE_EQUAL(c.steps.size(), 20u);
    const auto optimizer = make_optimizer<double>(c.optimizer, c.settings);
    const double error = max_relative_error(run(*optimizer), c.steps);
    BOOST_TEST(error < 1e-6, c.label() << ": max relative error " << error);
    if (c.optimizer == "AdamW") BOOST_TEST(error < 1e-12, c.label() << ": max relative error " << error);
    double& w = worst[c.optimizer + (c.settings.count("momentum") && c.optimizer == "Nadam" ? " (" + c.settings.at("momentum") + ")" : "") +
                      (c.settings.count("convention") ? " (" + c.settings.at("convention") + " ε)" : "") + " vs " + c.reference];
    w = std::max(w, error);
  }
  for (const auto& [what, error] : worst) BOOST_TEST_MESSAGE("max relative error " << what << ": " << error);
}

BOOST_AUTO_TEST_CASE(float_follows_the_same_trajectories) {
  for (const ReferenceCase& c : reference().cases) {
    const auto optimizer = make_optimizer<float>(c.optimizer, c.settings);
    const double error = max_relative_error(run(*optimizer), c.steps);
    BOOST_TEST(error < 1e-4, c.label() << " in float: max relative error " << error);
  }
}

BOOST_AUTO_TEST_CASE(the_place_of_epsilon_matters_and_the_reference_tells_them_apart) {
  // The second setting (ε = 1e-3) run in the other convention must miss the reference by far more than
  // the test's tolerance: the test does check which convention is implemented.
  std::size_t checked = 0;
  for (const ReferenceCase& c : reference().cases) {
    if (!c.settings.count("convention") || c.settings.at("lr") != "0.05") continue;
    EpsilonConvention other = c.settings.at("convention") == "keras" ? EpsilonConvention::pytorch : EpsilonConvention::keras;
    const auto optimizer = make_optimizer<double>(c.optimizer, c.settings, &other);
    const double error = max_relative_error(run(*optimizer), c.steps);
    BOOST_TEST_MESSAGE(c.label() << " run with the other ε convention: " << error);
    BOOST_TEST(error > 1e-4, c.label());
    ++checked;
  }
  // Adam, AMSGrad and AdaMax, each in the PyTorch convention (torch's run) and the keras one (the numpy run): a
  // reference file regenerated in another format would otherwise make this loop check nothing.
  BOOST_TEST(checked == 6u);
}

BOOST_AUTO_TEST_CASE(adamw_decays_the_pre_step_weights_as_torch_does) {
  // torch.optim.AdamW: w <- w - ηλw, then the Adam step with the gradient at the old w. Adam (or AMSGrad)
  // with PyTorch's ε and DecoupledWeightDecay, in fit's order, matches it to 1e-12 at every step; the old
  // order, decay after the step, misses it by 1e4 times that and more: the reference tells the orders apart.
  std::size_t cases = 0;
  for (const ReferenceCase& c : reference().cases) {
    if (c.optimizer != "AdamW") continue;
    ++cases;
    const auto before = make_optimizer<double>(c.optimizer, c.settings);
    const double error = max_relative_error(run(*before), c.steps);
    BOOST_TEST_MESSAGE(c.label() << ": max relative error " << error);
    BOOST_TEST(error < 1e-12, c.label());
    auto adam = std::make_unique<Adam<double>>(std::stod(c.settings.at("lr")), std::stod(c.settings.at("beta_1")),
                                               std::stod(c.settings.at("beta_2")), std::stod(c.settings.at("epsilon")), Convention::pytorch);
    std::unique_ptr<Optimizer<double>> inner = std::move(adam);
    if (c.settings.at("amsgrad") == "yes")
      inner = std::make_unique<AMSGrad<double>>(std::stod(c.settings.at("lr")), std::stod(c.settings.at("beta_1")),
                                                std::stod(c.settings.at("beta_2")), std::stod(c.settings.at("epsilon")), Convention::pytorch);
    WithDecoupledDecay<double> after(std::move(inner), std::stod(c.settings.at("weight_decay")), true);
    const double after_error = max_relative_error(run(after), c.steps);
    BOOST_TEST_MESSAGE(c.label() << " decaying after the step: " << after_error);
    BOOST_TEST(after_error > 1e-8, c.label());  // 9.5e-8 at torch's defaults (ηλ = 1e-5), 8.3e-3 at ηλ = 0.025
  }
  BOOST_TEST(cases == 3u);
}

BOOST_AUTO_TEST_CASE(the_openmp_path_takes_the_same_steps) {
  // Both parameters tiled 350000 times (2.1 and 1.05 million numbers): above the 2^18 weights from which a
  // rule's step is one parallel region (kParallelStep, for_each_share), here on two threads. Every copy must
  // follow the small problem's trajectory (checked inside run) and the reference.
  const int before = thread_count();
  set_thread_count(2);
  for (const ReferenceCase& c : reference().cases) {
    const auto small = make_optimizer<double>(c.optimizer, c.settings);
    const auto large = make_optimizer<double>(c.optimizer, c.settings);
    const std::vector<arma::vec> expected = run(*small);
    BOOST_TEST(max_relative_error(run(*large, 350000), expected) < 1e-14, c.label());
  }
  set_thread_count(before);
}

// Every rule in every convention (the slide's forms are not in the reference file), ten steps on two threads
// against the same steps on one, bit for bit: the rules are element-wise, so the split must not change a
// number. Sizes 300,007 + 17 + 1,001: above kParallelStep in all, none a multiple of the 16-entry blocks.
BOOST_AUTO_TEST_CASE(two_threads_step_every_rule_exactly_as_one) {
  using Make = std::function<std::unique_ptr<Optimizer<double>>()>;
  const std::vector<std::pair<std::string, Make>> rules = {
      {"SGD", [] { return std::make_unique<SGD<double>>(0.01); }},
      {"SGD momentum", [] { return std::make_unique<SGD<double>>(0.01, 0.9); }},
      {"SGD Nesterov", [] { return std::make_unique<SGD<double>>(0.01, 0.9, true); }},
      {"Adam slide", [] { return std::make_unique<Adam<double>>(0.001, 0.9, 0.999, 1e-7, Convention::slide); }},
      {"Adam pytorch", [] { return std::make_unique<Adam<double>>(0.001, 0.9, 0.999, 1e-7, Convention::pytorch); }},
      {"Nadam warming", [] { return std::make_unique<Nadam<double>>(); }},
      {"Nadam constant", [] { return std::make_unique<Nadam<double>>(0.002, 0.9, 0.999, 1e-7, 0.004, NadamMomentum::constant); }},
      {"AMSGrad slide", [] { return std::make_unique<AMSGrad<double>>(0.001, 0.9, 0.999, 1e-7, Convention::slide); }},
      {"RMSprop slide", [] { return std::make_unique<RMSprop<double>>(0.001, 0.9, 1e-7, Convention::slide); }},
      {"Adagrad slide", [] { return std::make_unique<Adagrad<double>>(0.01, 1e-7, 0.0, Convention::slide); }},
      {"AdaMax slide", [] { return std::make_unique<AdaMax<double>>(0.002, 0.9, 0.999, 1e-7, Convention::slide); }},
      {"AdaMax keras", [] { return std::make_unique<AdaMax<double>>(); }},
      {"Adadelta slide", [] { return std::make_unique<Adadelta<double>>(1.0, 0.95, 1e-7, Convention::slide); }},
      {"Adadelta keras", [] { return std::make_unique<Adadelta<double>>(); }},
  };
  const int before = thread_count();
  const auto run = [](Optimizer<double>& optimizer, int threads) {
    set_thread_count(threads);
    Rng rng(7);
    std::vector<Param<double>> params(3);
    const std::array<std::size_t, 3> sizes = {300007, 17, 1001};
    for (std::size_t i = 0; i < 3; ++i) {
      params[i].value.set_size(sizes[i], 1);
      rng.fill_uniform(params[i].value, -1.0, 1.0);
      params[i].grad.set_size(sizes[i], 1);
    }
    std::vector<Param<double>*> pointers = {&params[0], &params[1], &params[2]};
    for (int step = 0; step < 10; ++step) {
      for (Param<double>& p : params) rng.fill_uniform(p.grad, -1.0, 1.0);
      optimizer.step(pointers);
    }
    return params;
  };
  for (const auto& [name, make] : rules) {
    const auto one = make(), two = make();
    const std::vector<Param<double>> serial = run(*one, 1), threaded = run(*two, 2);
    std::size_t differ = 0;
    for (std::size_t i = 0; i < serial.size(); ++i) differ += arma::accu(serial[i].value != threaded[i].value);
    BOOST_TEST(differ == 0u, name);
  }
  set_thread_count(before);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(schedules)

BOOST_AUTO_TEST_CASE(the_four_schedules_follow_their_formulas) {
  const ConstantLearningRate constant(0.1);
  BOOST_TEST(constant(0) == 0.1);
  BOOST_TEST(constant(1000000) == 0.1);
  const StepDecay step(0.1, 0.5, 10);
  BOOST_TEST(step(0) == 0.1);
  BOOST_TEST(step(9) == 0.1);
  BOOST_TEST(step(10) == 0.05);
  BOOST_TEST(step(25) == 0.025);
  const ExponentialDecay exponential(0.1, 0.01);
  BOOST_TEST(exponential(0) == 0.1);
  BOOST_TEST(std::abs(exponential(100) - 0.1 * std::exp(-1.0)) < 1e-17);
  const InverseTimeDecay inverse(0.1, 0.5);
  BOOST_TEST(inverse(0) == 0.1);
  BOOST_TEST(std::abs(inverse(2) - 0.05) < 1e-17);
  BOOST_TEST(std::abs(inverse(18) - 0.01) < 1e-17);
  test::check_error<OptionError>([] { StepDecay(0.1, 1.5, 10); }, {"StepDecay", "drop factor"});
  test::check_error<OptionError>([] { StepDecay(0.1, 0.5, 0); }, {"StepDecay", "period"});
  test::check_error<OptionError>([] { ExponentialDecay(-0.1, 0.5); }, {"ExponentialDecay", "learning rate"});
  test::check_error<OptionError>([] { InverseTimeDecay(0.1, -1.0); }, {"InverseTimeDecay", "decay rate"});
  test::check_error<OptionError>([] { ConstantLearningRate(0.0); }, {"ConstantLearningRate"});
}

BOOST_AUTO_TEST_CASE(geometric_schedules_never_reach_zero) {
  // 0.1 · 0.5^1072 and 0.1 · e^-743 underflow to 0, which set_learning_rate refuses: a run per step used to stop there.
  const double smallest = std::numeric_limits<double>::min();
  const StepDecay step(0.1, 0.5, 1);
  BOOST_TEST(0.1 * std::pow(0.5, 1072.0) == 0.0);  // what the formula alone gives
  BOOST_TEST(step(1000) == 0.1 * std::pow(0.5, 1000.0));  // 9.3e-303: above the floor, the formula's value
  BOOST_TEST(step(1072) == smallest);
  BOOST_TEST(step(100000) == smallest);
  const ExponentialDecay exponential(0.1, 1.0);
  BOOST_TEST(exponential(700) == 0.1 * std::exp(-700.0));
  BOOST_TEST(0.1 * std::exp(-743.0) == 0.0);
  BOOST_TEST(exponential(743) == smallest);
  // The scheduler sets it at an epoch past the point of underflow, and SGD takes its vanishing step.
  Param<double> p = param(1.0, 1.0);
  SGD<double> sgd(0.1);
  LearningRateScheduler<double> scheduler(sgd, StepDecay(0.1, 0.5, 1), ScheduleUnit::epoch);
  scheduler.on_epoch_end(1099, History{});  // η of epoch 1,100
  BOOST_TEST(sgd.learning_rate() == smallest);
  sgd.step({&p});
  BOOST_TEST(p.value(0) == 1.0);  // 1 - 2.2e-308 rounds to 1
}

BOOST_AUTO_TEST_CASE(only_one_over_t_decay_meets_the_convergence_condition) {
  // [slide: convergence of SGD]  Σ η_t = ∞ and Σ η_t² < ∞. Over t in [10^5, 10^6): a sum that diverges
  // still grows there (1/t: by (η0/k) ln 10), a convergent one has next to nothing left.
  auto tail = [](const LearningRateSchedule& eta, int power) {
    double sum = 0;
    for (std::size_t t = 100000; t < 1000000; ++t) sum += std::pow(eta(t), power);
    return sum;
  };
  const InverseTimeDecay inverse(0.1, 0.1);
  BOOST_TEST(tail(inverse, 1) > 2.0);    // ≈ ln 10 = 2.30: Σ η diverges like ln t
  BOOST_TEST(tail(inverse, 2) < 1e-5);   // ≈ 9e-6: Σ η² converges
  const ConstantLearningRate constant(0.1);
  BOOST_TEST(tail(constant, 2) > 1e3);   // Σ η² = ∞
  const ExponentialDecay exponential(0.1, 2e-4);
  BOOST_TEST(tail(exponential, 1) < 1e-5);  // Σ η < ∞: η0 / (1 - e^-k) = 500 in all, 1e-6 left after 10^5
  const StepDecay step(0.1, 0.5, 1000);
  BOOST_TEST(tail(step, 1) < 1e-20);
}

BOOST_AUTO_TEST_CASE(a_scheduler_in_fit_sets_eta_before_every_step_or_epoch) {
  const SmallData data = small_data();
  MeanSquaredError<double> mse;
  const InverseTimeDecay schedule(0.1, 0.05);
  // Per step, in fit ...
  Sequential<double> model = small_model(3);
  SGD<double> sgd(1.0);
  LearningRateScheduler<double> per_step(sgd, schedule, ScheduleUnit::step);
  Rng rng(1);
  fit(model, mse, sgd, data.x, data.y, epochs(3), rng, {&per_step});
  BOOST_TEST(sgd.iterations() == 12u);
  BOOST_TEST(sgd.learning_rate() == schedule(11));  // the last step's η
  // ... is the same as setting η by hand in the loop.
  Sequential<double> by_hand = small_model(3);
  SGD<double> manual(1.0);
  const std::vector<Param<double>*> params = by_hand.params();
  const Context train{true, &rng};
  Tensor<double> dy;
  for (std::size_t t = 0; t < 12; ++t) {
    const arma::uvec batch = arma::regspace<arma::uvec>(10 * (t % 4), 10 * (t % 4) + 9);
    const Tensor<double> xb = data.x.gather(batch), yb = data.y.gather(batch);
    mse.gradient(by_hand.forward(xb, train), yb, dy);
    by_hand.backward(dy);
    manual.set_learning_rate(schedule(t));
    manual.step(params);
  }
  BOOST_TEST(same_weights(model, by_hand));
  // Per epoch: η = schedule(epoch) during each epoch; after 3 epochs it is set for the 4th, epoch 3. The step
  // decay halves η every epoch here, so an epoch off by one either way gives another value.
  Adam<double> adam;
  LearningRateScheduler<double> per_epoch(adam, StepDecay(0.01, 0.5, 1), ScheduleUnit::epoch);
  BOOST_TEST(adam.learning_rate() == 0.01);
  Sequential<double> other = small_model(4);
  fit(other, mse, adam, data.x, data.y, epochs(3), rng, {&per_epoch});
  BOOST_TEST(adam.learning_rate() == 0.00125, boost::test_tools::tolerance(1e-12));
  LearningRateScheduler<double> resumed(adam, StepDecay(0.01, 0.5, 2), ScheduleUnit::epoch, 4);
  BOOST_TEST(adam.learning_rate() == 0.0025);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(optimizer_state)

BOOST_AUTO_TEST_CASE(a_checkpoint_resumes_training_bit_for_bit) {
  // Train N + M steps straight, or N steps, save, load into a fresh model and a fresh optimizer, M steps
  // more: the weights must be identical to the last bit, for every rule, with a per-step schedule running.
  test::ScratchDir dir("checkpoint");
  const SmallData data = small_data();
  MeanSquaredError<double> mse;
  const InverseTimeDecay schedule(0.02, 0.01);
  for (const auto& [name, make] : every_optimizer()) {
    Rng rng(1);
    Sequential<double> straight = small_model(5);
    const auto straight_optimizer = make();
    LearningRateScheduler<double> straight_schedule(*straight_optimizer, schedule, ScheduleUnit::step);
    fit(straight, mse, *straight_optimizer, data.x, data.y, epochs(5), rng, {&straight_schedule});

    Sequential<double> first = small_model(5);
    const auto first_optimizer = make();
    LearningRateScheduler<double> first_schedule(*first_optimizer, schedule, ScheduleUnit::step);
    fit(first, mse, *first_optimizer, data.x, data.y, epochs(3), rng, {&first_schedule});
    save_checkpoint(dir.file("c.h5"), first, *first_optimizer);

    Sequential<double> resumed = small_model(99);  // other weights: all must come from the file
    const auto resumed_optimizer = make();
    load_checkpoint(dir.file("c.h5"), resumed, *resumed_optimizer);
    BOOST_TEST(resumed_optimizer->iterations() == 12u, name);
    BOOST_TEST(resumed_optimizer->learning_rate() == first_optimizer->learning_rate(), name);
    LearningRateScheduler<double> resumed_schedule(*resumed_optimizer, schedule, ScheduleUnit::step);
    fit(resumed, mse, *resumed_optimizer, data.x, data.y, epochs(2), rng, {&resumed_schedule});

    BOOST_TEST(resumed_optimizer->iterations() == 20u, name);
    BOOST_TEST(same_weights(straight, resumed), name << ": resumed training differs from straight training");
    BOOST_TEST(!same_weights(straight, first), name << ": the last 8 steps changed nothing?");
  }
}

BOOST_AUTO_TEST_CASE(the_state_reads_in_h5py_like_the_parameters) {
  test::ScratchDir dir("checkpoint");
  const SmallData data = small_data();
  MeanSquaredError<double> mse;
  Sequential<double> model = small_model(5);
  Nadam<double> nadam;
  Rng rng(1);
  fit(model, mse, nadam, data.x, data.y, epochs(1), rng);
  save_checkpoint(dir.file("c.h5"), model, nadam);
  const H5Reader file(dir.file("c.h5"));
  BOOST_TEST(file.attribute_string("/optimizer", "name") == "Nadam");
  BOOST_TEST(file.attribute_number("/optimizer", "iterations") == 4.0);
  BOOST_TEST(file.attribute_number("/optimizer", "learning_rate") == 0.002);
  BOOST_TEST(file.attribute_number("/optimizer/config", "schedule_decay") == 0.004);
  const double mu = [&] {
    double product = 1;
    for (int t = 1; t <= 4; ++t) product *= nadam.momentum_at(t);
    return product;
  }();
  BOOST_TEST(file.attribute_number("/optimizer/scalars", "momentum_product") == mu);
  BOOST_TEST(file.shape("/optimizer/m/000").str() == file.shape("/layers/000_Dense/W").str());
  BOOST_TEST(file.shape("/optimizer/v/003").str() == "(1, 2)");  // the last bias
  // A checkpoint is a model file too.
  Sequential<double> back = load_model<double>(dir.file("c.h5"));
  BOOST_TEST(same_weights(back, model));
}

BOOST_AUTO_TEST_CASE(a_checkpoint_for_another_optimizer_or_model_is_refused) {
  test::ScratchDir dir("checkpoint");
  const SmallData data = small_data();
  MeanSquaredError<double> mse;
  Sequential<double> model = small_model(5);
  Adam<double> adam(0.01);
  Rng rng(1);
  fit(model, mse, adam, data.x, data.y, epochs(1), rng);
  save_checkpoint(dir.file("adam.h5"), model, adam);
  Sequential<double> fresh = small_model(6);
  RMSprop<double> rmsprop;
  test::check_error<FileError>([&] { load_checkpoint(dir.file("adam.h5"), fresh, rmsprop); },
                               {"adam.h5", "state of a Adam optimizer, not of RMSprop"});
  Adam<double> other_betas(0.01, 0.8);
  test::check_error<FileError>([&] { load_checkpoint(dir.file("adam.h5"), fresh, other_betas); },
                               {"adam.h5", "saved with beta_1 = 0.9", "this one has beta_1 = 0.8"});
  Adam<double> other_convention(0.01, 0.9, 0.999, 1e-7, EpsilonConvention::pytorch);
  test::check_error<FileError>([&] { load_checkpoint(dir.file("adam.h5"), fresh, other_convention); }, {"pytorch_epsilon"});
  Adam<double> slide_form(0.01, 0.9, 0.999, 1e-7, Convention::slide);
  test::check_error<FileError>([&] { load_checkpoint(dir.file("adam.h5"), fresh, slide_form); }, {"slide_form", "missing"});
  BOOST_TEST(other_betas.iterations() == 0u);  // a refused file changes nothing

  save_model(dir.file("model.h5"), model);
  Adam<double> adam_again(0.01);
  test::check_error<FileError>([&] { load_checkpoint(dir.file("model.h5"), fresh, adam_again); }, {"model.h5", "no optimizer state"});

  // State of another model's parameters: refused before anything changes.
  Rng other_rng(2);
  Sequential<double> wider;
  wider.add<Dense<double>>(3, 7, other_rng).add<ActivationLayer<double>>(Activation::tanh).add<Dense<double>>(7, 2, other_rng);
  Adam<double> wider_adam(0.01);
  fit(wider, mse, wider_adam, data.x, data.y, epochs(1), other_rng);
  save_checkpoint(dir.file("mixed.h5"), model, wider_adam);
  Sequential<double> target = small_model(6);
  Sequential<double> untouched = small_model(6);
  Adam<double> target_adam(0.01);
  test::check_error<FileError>([&] { load_checkpoint(dir.file("mixed.h5"), target, target_adam); },
                               {"mixed.h5", "/optimizer/m/000", "not shaped like parameter 0 'W'"});
  BOOST_TEST(same_weights(target, untouched));
  BOOST_TEST(target_adam.iterations() == 0u);
}

BOOST_AUTO_TEST_CASE(float_checkpoints_resume_exactly_too) {
  test::ScratchDir dir("checkpoint");
  Rng rng(3);
  arma::fmat X(3, 16), Y(1, 16);
  rng.fill_normal(X, 0.0f, 1.0f);
  Y = arma::sin(X.row(0));
  const Tensor<float> x = Tensor<float>::from_columns(X), y = Tensor<float>::from_columns(Y);
  auto model = [] {
    Rng r(8);
    Sequential<float> m;
    m.add<Dense<float>>(3, 4, r).add<ActivationLayer<float>>(Activation::relu).add<Dense<float>>(4, 1, r);
    return m;
  };
  FitOptions options;
  options.batch_size = 4;
  options.shuffle = false;
  options.accuracy = false;
  MeanSquaredError<float> mse;
  Sequential<float> straight = model(), first = model(), resumed = model();
  AMSGrad<float> a(0.01), b(0.01), c(0.01);
  options.epochs = 4;
  fit(straight, mse, a, x, y, options, rng);
  options.epochs = 2;
  fit(first, mse, b, x, y, options, rng);
  save_checkpoint(dir.file("f.h5"), first, b);
  load_checkpoint(dir.file("f.h5"), resumed, c);
  fit(resumed, mse, c, x, y, options, rng);
  const std::vector<Param<float>*> ps = straight.params(), pr = resumed.params();
  for (std::size_t i = 0; i < ps.size(); ++i) BOOST_TEST(arma::approx_equal(ps[i]->value, pr[i]->value, "absdiff", 0.0f));
}

BOOST_AUTO_TEST_SUITE_END()
