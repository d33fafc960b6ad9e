#include "lecon/autoencoders/autoencoder.hpp"

#include <cmath>

#include "lecon/autoencoders/corruption.hpp"
#include "lecon/backprop/model_io.hpp"
#include "lecon/core/dataset.hpp"
#include "lecon/core/error.hpp"
#include "lecon/core/parallel.hpp"

namespace lecon {

template <typename T>
Autoencoder<T>::Autoencoder(std::size_t inputs, std::size_t hidden_units, Rng& rng, bool tied, Activation encoder, Activation decoder)
    : tied_(tied), encoder_(encoder), decoder_(decoder) {
  if (hidden_units == 0) throw OptionError("hidden_units: expected at least 1 hidden unit, got 0");
  if (inputs == 0) throw Error("Autoencoder: inputs must be positive");
  const double r = std::sqrt(6.0 / static_cast<double>(inputs + hidden_units)) * (encoder == Activation::sigmoid ? 4.0 : 1.0);
  W_.name = "W";
  W_.units = UnitLayout::rows;
  W_.value.set_size(hidden_units, inputs);
  rng.fill_uniform(W_.value, static_cast<T>(-r), static_cast<T>(r));
  W_.grad.zeros(hidden_units, inputs);
  b_.name = "b";
  b_.value.zeros(hidden_units, 1);
  b_.grad.zeros(hidden_units, 1);
  b_.decay = false;
  if (!tied) {
    W_prime_.name = "W_prime";
    W_prime_.units = UnitLayout::rows;  // row i: output unit i's incoming weights
    W_prime_.value.set_size(inputs, hidden_units);
    rng.fill_uniform(W_prime_.value, static_cast<T>(-r), static_cast<T>(r));
    W_prime_.grad.zeros(inputs, hidden_units);
  }
  b_prime_.name = "b_prime";
  b_prime_.value.zeros(inputs, 1);
  b_prime_.grad.zeros(inputs, 1);
  b_prime_.decay = false;
}

template <typename T>
Shape Autoencoder<T>::output_shape(const Shape& input) const {
  if (input.sample_size() != inputs())
    throw Error("Autoencoder: input " + input.str() + " has " + std::to_string(input.sample_size()) + " values per sample, expected " +
                std::to_string(inputs()));
  return input;
}

template <typename T>
std::vector<Param<T>*> Autoencoder<T>::params() {
  if (tied_) return {&W_, &b_, &b_prime_};
  return {&W_, &b_, &W_prime_, &b_prime_};
}

template <typename T>
Param<T>& Autoencoder<T>::W_prime() {
  if (tied_) throw Error("Autoencoder::W_prime: the weights are tied (W' = Wᵀ has no parameter of its own)");
  return W_prime_;
}

template <typename T>
arma::Mat<T> Autoencoder<T>::decoder_weights() const {
  if (tied_) return W_.value.t();
  return W_prime_.value;
}

template <typename T>
std::map<std::string, double> Autoencoder<T>::config() const {
  return {{"inputs", static_cast<double>(inputs())},
          {"units", static_cast<double>(hidden_units())},
          {"tied", tied_ ? 1.0 : 0.0}};
}

template <typename T>
std::map<std::string, std::string> Autoencoder<T>::text_config() const {
  return {{"encoder", activation_name(encoder_)}, {"decoder", activation_name(decoder_)}};
}

template <typename T>
void Autoencoder<T>::encode_matrix(const arma::Mat<T>& x, arma::Mat<T>& a, arma::Mat<T>& y) const {
  const SerialIfSmall serial(W_.value.n_elem * x.n_cols);
  // [slide: Réseaux Auto Encoder]  y = σ(W x + b)
  a = W_.value * x;
  a.each_col() += b_.value.col(0);
  activate(encoder_, a, y);
}

template <typename T>
void Autoencoder<T>::decode_matrix(const arma::Mat<T>& y, arma::Mat<T>& a, arma::Mat<T>& z) const {
  const SerialIfSmall serial(W_.value.n_elem * y.n_cols);
  // [slide: Réseaux Auto Encoder]  z = σ(W' y + b'),  W' = Wᵀ when tied
  if (tied_) a = W_.value.t() * y;
  else a = W_prime_.value * y;
  a.each_col() += b_prime_.value.col(0);
  activate(decoder_, a, z);
}

template <typename T>
void Autoencoder<T>::forward(const Tensor<T>& x, Tensor<T>& z, const Context&) {
  ensure_shape(z, output_shape(x.shape()));
  x_ = &x;
  encode_matrix(x.matrix(), a_enc_, y_);
  decode_matrix(y_, a_dec_, z_);
  z.matrix() = z_;
}

template <typename T>
void Autoencoder<T>::backward(const Tensor<T>& dz, Tensor<T>* dx) {
  if (x_ == nullptr) throw Error("Autoencoder::backward called before forward");
  if (dz.matrix().n_rows != z_.n_rows || dz.matrix().n_cols != z_.n_cols)
    throw Error("Autoencoder::backward: gradient " + dz.shape().str() + " does not match the last reconstruction");
  const arma::Mat<T>& x = x_->matrix();
  const SerialIfSmall serial(W_.value.n_elem * x.n_cols);
  // δ_dec = ∂L/∂z ⊙ σ'(W'y + b')   (d x n)
  activation_backward(decoder_, a_dec_, z_, dz.matrix(), delta_dec_);
  b_prime_.grad = arma::sum(delta_dec_, 1);  // ∂L/∂b' = δ_dec 1
  // ∂L/∂y = W'ᵀ δ_dec, then δ_enc = ∂L/∂y ⊙ σ'(W x + b)   (h x n)
  // EXERCISE tied-autoencoder-backward BEGIN
  const arma::Mat<T> dy = tied_ ? arma::Mat<T>(W_.value * delta_dec_) : arma::Mat<T>(W_prime_.value.t() * delta_dec_);
  activation_backward(encoder_, a_enc_, y_, dy, delta_enc_);
  b_.grad = arma::sum(delta_enc_, 1);  // ∂L/∂b = δ_enc 1
  W_.grad = delta_enc_ * x.t();        // the encoder's use of W: δ_enc xᵀ
  if (tied_) {
    W_.grad += y_ * delta_dec_.t();    // tied: + (δ_dec yᵀ)ᵀ = y δ_decᵀ, the decoder's use of W (= W'ᵀ)
  } else {
    W_prime_.grad = delta_dec_ * y_.t();  // ∂L/∂W' = δ_dec yᵀ
  }
  // EXERCISE tied-autoencoder-backward END
  if (dx == nullptr) return;
  ensure_shape(*dx, x_->shape());
  dx->matrix() = W_.value.t() * delta_enc_;  // ∂L/∂x = Wᵀ δ_enc
}

template <typename T>
Tensor<T> Autoencoder<T>::encode(const Tensor<T>& x, std::size_t batch_size) const {
  output_shape(x.shape());
  arma::Mat<T> codes(hidden_units(), x.batch()), a, y;
  for (const arma::uvec& idx : minibatch_indices(x.batch(), batch_size, nullptr)) {
    encode_matrix(x.matrix().cols(idx.front(), idx.back()), a, y);
    codes.cols(idx.front(), idx.back()) = y;
  }
  return Tensor<T>::from_columns(std::move(codes));
}

template <typename T>
Tensor<T> Autoencoder<T>::decode(const Tensor<T>& y, std::size_t batch_size) const {
  if (y.sample_size() != hidden_units())
    throw Error("Autoencoder::decode: codes " + y.shape().str() + " have " + std::to_string(y.sample_size()) + " values per sample, expected " +
                std::to_string(hidden_units()));
  arma::Mat<T> out(inputs(), y.batch()), a, z;
  for (const arma::uvec& idx : minibatch_indices(y.batch(), batch_size, nullptr)) {
    decode_matrix(y.matrix().cols(idx.front(), idx.back()), a, z);
    out.cols(idx.front(), idx.back()) = z;
  }
  return Tensor<T>::from_columns(std::move(out));
}

template <typename T>
Tensor<T> Autoencoder<T>::reconstruct(const Tensor<T>& x, std::size_t batch_size) const {
  return Tensor<T>(x.shape(), std::move(decode(encode(x, batch_size), batch_size).matrix()));
}

void register_autoencoder_layers() {
  auto add = [](auto tag) {
    using T = decltype(tag);
    register_layer<T>("Autoencoder", [](const LayerConfig& c) -> LayerPtr<T> {
      const std::size_t inputs = c.size("inputs"), units = c.size("units"), tied = c.size("tied");
      const Activation encoder = c.activation("encoder"), decoder = c.activation("decoder");  // names, or old files' numbers
      if (tied > 1) throw Error("layer setting 'tied' = " + std::to_string(tied) + " is not 0 or 1");
      if (tied == 1) c.expect_parameters({{units, inputs}, {units}, {inputs}});  // W, b, b'
      else c.expect_parameters({{units, inputs}, {units}, {inputs, units}, {inputs}});  // W, b, W', b'
      Rng unused(0);  // the weights are read from the file right after
      return std::make_unique<Autoencoder<T>>(inputs, units, unused, tied == 1, encoder, decoder);
    });
    register_layer<T>("Corruption", [](const LayerConfig& c) -> LayerPtr<T> {
      const std::size_t noise = c.size("noise");
      if (noise > static_cast<std::size_t>(CorruptionKind::salt_and_pepper)) throw Error("unknown corruption number " + std::to_string(noise));
      const CorruptionKind kind = static_cast<CorruptionKind>(noise);
      const double level = kind == CorruptionKind::gaussian ? c.number("level", 0, 1e300) : c.number("level", 0, 1);
      return std::make_unique<Corruption<T>>(kind, level);
    });
  };
  add(float{});
  add(double{});
}

template class Autoencoder<float>;
template class Autoencoder<double>;

}  // namespace lecon
