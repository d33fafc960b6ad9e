#include "lecon/backprop/sequential.hpp"

#include <chrono>
#include <sstream>

#include "lecon/core/dataset.hpp"
#include "lecon/core/error.hpp"

namespace lecon {

template <typename T>
Sequential<T>& Sequential<T>::add(LayerPtr<T> layer) {
  if (!layer) throw Error("Sequential::add: null layer");
  layers_.push_back(std::move(layer));
  outputs_.resize(layers_.size());
  gradients_.resize(layers_.size());
  return *this;
}

template <typename T>
const Tensor<T>& Sequential<T>::forward(const Tensor<T>& x, const Context& ctx) {
  if (layers_.empty()) throw Error("Sequential::forward: the model has no layers");
  const Tensor<T>* input = &x;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    layers_[i]->forward(*input, outputs_[i], ctx);
    input = &outputs_[i];
  }
  return outputs_.back();
}

template <typename T>
void Sequential<T>::backward(const Tensor<T>& dy) {
  // [slide: backpropagation]  δ^(l) = ∂L/∂(input of layer l+1), from the last layer to the first.
  const Tensor<T>* upstream = &dy;
  for (std::size_t i = layers_.size(); i-- > 0;) {
    layers_[i]->backward(*upstream, i == 0 ? nullptr : &gradients_[i]);
    upstream = &gradients_[i];
  }
}

template <typename T>
std::vector<Param<T>*> Sequential<T>::params() {
  std::vector<Param<T>*> all;
  for (auto& layer : layers_)
    for (Param<T>* p : layer->params()) all.push_back(p);
  return all;
}

template <typename T>
std::size_t Sequential<T>::parameter_count() {
  std::size_t count = 0;
  for (Param<T>* p : params()) count += p->value.n_elem;
  return count;
}

template <typename T>
Tensor<T> Sequential<T>::predict(const Tensor<T>& x, std::size_t batch_size) {
  const Context eval{false, nullptr};
  Tensor<T> all, part;
  for (const arma::uvec& idx : minibatch_indices(x.batch(), batch_size, nullptr)) {
    x.gather_into(idx, part);
    const Tensor<T>& out = forward(part, eval);
    if (all.empty()) all = Tensor<T>(out.shape().with_batch(x.batch()));
    all.matrix().cols(idx.front(), idx.back()) = out.matrix();
  }
  return all;
}

template <typename T>
arma::uvec Sequential<T>::predict_classes(const Tensor<T>& x, std::size_t batch_size) {
  const Tensor<T> out = predict(x, batch_size);
  if (out.sample_size() == 1) return arma::conv_to<arma::uvec>::from(out.matrix().row(0) > T(0.5));
  return arma::conv_to<arma::uvec>::from(arma::index_max(out.matrix(), 0));
}

template <typename T>
std::string Sequential<T>::summary(const Shape& input) {
  std::ostringstream os;
  os << "Layer (type)          Output shape      Param #\n";
  Shape shape = input;
  std::size_t total = 0;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    shape = layers_[i]->output_shape(shape);
    std::size_t count = 0;
    for (Param<T>* p : layers_[i]->params()) count += p->value.n_elem;
    total += count;
    // The kind and its named settings: "Activation(relu) 1", "Autoencoder(sigmoid, linear) 0".
    std::string named;
    for (const auto& [key, value] : layers_[i]->text_config()) named += (named.empty() ? "" : ", ") + value;
    std::string name = layers_[i]->kind() + (named.empty() ? "" : "(" + named + ")") + " " + std::to_string(i);
    os << name << std::string(name.size() < 22 ? 22 - name.size() : 1, ' ') << shape.sample_str()
       << std::string(shape.sample_str().size() < 18 ? 18 - shape.sample_str().size() : 1, ' ') << count << '\n';
  }
  os << "Total params: " << total << '\n';
  return os.str();
}

template <typename T>
double accuracy(const arma::Mat<T>& outputs, const arma::Mat<T>& targets) {
  if (outputs.n_cols == 0) return 0.0;
  if (outputs.n_rows == 1) {
    const arma::uvec predicted = arma::conv_to<arma::uvec>::from(outputs.row(0) > T(0.5));
    const arma::uvec truth = arma::conv_to<arma::uvec>::from(targets.row(0) > T(0.5));
    return static_cast<double>(arma::accu(predicted == truth)) / outputs.n_cols;
  }
  const arma::urowvec predicted = arma::index_max(outputs, 0);
  const arma::urowvec truth = arma::index_max(targets, 0);
  return static_cast<double>(arma::accu(predicted == truth)) / outputs.n_cols;
}

template <typename T>
Evaluation evaluate(Sequential<T>& model, const Loss<T>& loss, const Tensor<T>& x, const Tensor<T>& y, std::size_t batch_size) {
  if (x.batch() != y.batch()) throw Error("evaluate: " + std::to_string(x.batch()) + " samples but " + std::to_string(y.batch()) + " targets");
  const Tensor<T> out = model.predict(x, batch_size);
  const double value = loss.value(out, y);
  if (!std::isfinite(value))
    throw Error("evaluate: the loss is " + std::to_string(value) + "; expected a finite loss (do the data or the model's weights hold NaN or infinite values?)");
  return {value, accuracy(out.matrix(), y.matrix())};
}

template <typename T>
History fit(Sequential<T>& model, const Loss<T>& loss, Optimizer<T>& optimizer, const Tensor<T>& x, const Tensor<T>& y,
            const FitOptions& options, TrainingState& state, const std::vector<TrainingObserver<T>*>& observers) {
  if (x.batch() != y.batch()) throw Error("fit: " + std::to_string(x.batch()) + " samples but " + std::to_string(y.batch()) + " targets");
  if (!(options.validation_split >= 0.0 && options.validation_split < 1.0))
    throw OptionError("validation_split must be in [0, 1), got " + std::to_string(options.validation_split));
  if (options.batch_size == 0) throw OptionError("batch_size must be at least 1");
  if (!x.matrix().is_finite() || !y.matrix().is_finite()) throw Error("fit: the data hold NaN or infinite values");
  if (state.stopped) return state.history;  // the run has ended: nothing to train, nothing to finish
  // keras takes the validation samples from the END, before any shuffling.
  const std::size_t n = x.batch();
  const std::size_t n_val = static_cast<std::size_t>(static_cast<double>(n) * options.validation_split);
  const std::size_t n_train = n - n_val;
  if (n_train == 0) throw OptionError("validation_split leaves no training samples");
  Tensor<T> x_val, y_val;
  if (n_val > 0) {
    const arma::uvec val_idx = arma::regspace<arma::uvec>(n_train, n - 1);
    x_val = x.gather(val_idx);
    y_val = y.gather(val_idx);
  }
  History& history = state.history;
  const std::vector<Param<T>*> params = model.params();
  Rng& rng = state.rng;
  const Context train{true, &rng};
  Tensor<T> dy, xb, yb;  // the batch, its memory reused from step to step
  for (std::size_t e = 0; e < options.epochs; ++e) {
    const std::size_t epoch = state.epoch;  // the run's number of this epoch
    const auto start = std::chrono::steady_clock::now();
    double loss_sum = 0, correct = 0;
    for (const arma::uvec& global_idx : minibatch_indices(n_train, options.batch_size, options.shuffle ? &rng : nullptr)) {
      const arma::uvec idx = options.partition ? arma::uvec(global_idx.elem(options.partition->shard(global_idx))) : global_idx;
      if (idx.n_elem > 0) {
        x.gather_into(idx, xb);
        y.gather_into(idx, yb);
        const Tensor<T>& out = model.forward(xb, train);
        const double batch_loss = loss.value(out, yb);
        if (!std::isfinite(batch_loss))
          throw Error("fit: the loss became " + std::to_string(batch_loss) + " in epoch " + std::to_string(epoch + 1) +
                      " (learning rate too high?)");
        loss_sum += batch_loss * static_cast<double>(idx.n_elem);
        if (options.accuracy) correct += accuracy(out.matrix(), yb.matrix()) * static_cast<double>(idx.n_elem);
        if (options.partition) options.partition->set_local_terms(loss.terms(yb));
        loss.gradient(out, yb, dy);
        model.backward(dy);
      } else {  // a shard with no sample of this batch: zero gradients into the combination, then the same step
        options.partition->set_local_terms(0);
        for (Param<T>* p : params) p->grad.zeros(p->value.n_rows, p->value.n_cols);
      }
      for (auto* o : observers) o->after_backward(params);
      optimizer.step(params);
      for (auto* o : observers) o->after_step(params);
    }
    if (options.partition) {
      loss_sum = options.partition->sum(loss_sum);
      if (options.accuracy) correct = options.partition->sum(correct);
    }
    // The loss is checked before each step; the last step of the epoch could still leave NaN weights behind.
    for (const Param<T>* p : params)
      if (!p->value.is_finite())
        throw Error("fit: the weights " + p->name + " became NaN or infinite in epoch " + std::to_string(epoch + 1) +
                    " (learning rate too high?)");
    history.metrics["loss"].push_back(loss_sum / static_cast<double>(n_train));
    if (options.accuracy) history.metrics["accuracy"].push_back(correct / static_cast<double>(n_train));
    if (n_val > 0) {
      const Evaluation val = evaluate(model, loss, x_val, y_val);
      history.metrics["val_loss"].push_back(val.loss);
      if (options.accuracy) history.metrics["val_accuracy"].push_back(val.accuracy);
    }
    history.seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    state.epoch = epoch + 1;
    bool stop = false;
    for (auto* o : observers) stop = o->on_epoch_end(epoch, history) || stop;
    if (stop) {
      state.stopped = true;
      break;
    }
  }
  if (state.stopped || options.finish)
    for (auto* o : observers) o->on_train_end();
  return history;
}

template <typename T>
History fit(Sequential<T>& model, const Loss<T>& loss, Optimizer<T>& optimizer, const Tensor<T>& x, const Tensor<T>& y,
            const FitOptions& options, Rng& rng, const std::vector<TrainingObserver<T>*>& observers) {
  TrainingState state(rng);
  struct GiveBack {  // the caller's generator continues where the run left it, also after an exception
    Rng& rng;
    const Rng& used;
    ~GiveBack() { rng = used; }
  } give_back{rng, state.rng};
  return fit(model, loss, optimizer, x, y, options, state, observers);
}

#define LECON_SEQUENTIAL(T)                                                                                        \
  template class Sequential<T>;                                                                                    \
  template double accuracy<T>(const arma::Mat<T>&, const arma::Mat<T>&);                                          \
  template Evaluation evaluate<T>(Sequential<T>&, const Loss<T>&, const Tensor<T>&, const Tensor<T>&, std::size_t); \
  template History fit<T>(Sequential<T>&, const Loss<T>&, Optimizer<T>&, const Tensor<T>&, const Tensor<T>&,       \
                          const FitOptions&, TrainingState&, const std::vector<TrainingObserver<T>*>&);            \
  template History fit<T>(Sequential<T>&, const Loss<T>&, Optimizer<T>&, const Tensor<T>&, const Tensor<T>&,       \
                          const FitOptions&, Rng&, const std::vector<TrainingObserver<T>*>&);
LECON_SEQUENTIAL(float)
LECON_SEQUENTIAL(double)
#undef LECON_SEQUENTIAL

}  // namespace lecon
