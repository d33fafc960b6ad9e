#pragma once
// The two reconstruction losses of the autoencoder slide, as the slide writes them: a SUM over the d
// inputs of an example, then the mean over the batch (accumulated in double). z: the reconstruction
// (n, d) or (n, c, h, w); x: the clean input of the same shape.
//
// They differ from backprop's MeanSquaredError and BinaryCrossEntropy only by the factor d (those take
// the mean over the d inputs too): with 784 pixels that is a learning rate 784 times smaller for the
// same steps, the scale of [paper: Vincent et al. 2008] and of the DeepLearningTutorials' dA.
#include <memory>

#include "lecon/backprop/loss.hpp"

namespace lecon {

enum class ReconstructionLoss { squared_error, cross_entropy };

ReconstructionLoss reconstruction_loss_from_name(const std::string& name);  // "squared_error", "cross_entropy"
std::string reconstruction_loss_name(ReconstructionLoss loss);

// [slide: Réseaux Auto Encoder]  L(x, z) = ‖x − z‖² = Σ_k (x_k − z_k)²,  batch mean;  ∂L/∂z = 2(z − x) / n
template <typename T>
class SquaredReconstructionError : public Loss<T> {
 public:
  std::string name() const override { return "reconstruction_squared_error"; }
  double value(const Tensor<T>& z, const Tensor<T>& x) const override;
  void gradient(const Tensor<T>& z, const Tensor<T>& x, Tensor<T>& dz) const override;
};

// [slide: Réseaux Auto Encoder]  L(x, z) = −Σ_k [x_k log z_k + (1 − x_k) log(1 − z_k)],  batch mean;
//   ∂L/∂z_k = (−x_k / z_k + (1 − x_k) / (1 − z_k)) / n.
// For x and z in [0, 1] (a sigmoid decoder). z is clipped to [ε, 1 − ε], ε = 1e-7, as keras clips, and
// the gradient is 0 where z was clipped (the clipped function is flat there).
template <typename T>
class CrossEntropyReconstructionError : public Loss<T> {
 public:
  std::string name() const override { return "reconstruction_cross_entropy"; }
  double value(const Tensor<T>& z, const Tensor<T>& x) const override;
  void gradient(const Tensor<T>& z, const Tensor<T>& x, Tensor<T>& dz) const override;
};

template <typename T>
std::unique_ptr<Loss<T>> make_reconstruction_loss(ReconstructionLoss loss);

}  // namespace lecon
