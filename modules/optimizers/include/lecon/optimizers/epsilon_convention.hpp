#pragma once
// Where ε enters the denominator of the Adam family (Adam, AMSGrad, AdaMax): keras and PyTorch differ.
// Both are the same rule up to the size of ε; docs/optimizers.md ("Differences from PyTorch") shows by how much.

namespace lecon {

enum class EpsilonConvention {
  // keras (and the efficient form at the end of Kingma & Ba §2, ε̂): the bias corrections go into the step
  // size, ε is added to the uncorrected √v:      θ <- θ - η √(1-β2^t)/(1-β1^t) · m / (√v + ε)
  // AdaMax:                                       θ <- θ - η/(1-β1^t) · m / (u + ε)
  keras,
  // PyTorch (and Algorithm 1 of Kingma & Ba): ε is added to the corrected √v̂:
  //                                               θ <- θ - η m̂ / (√v̂ + ε)
  // AdaMax: ε inside the maximum,                 u <- max(β2 u, |g| + ε),  θ <- θ - η/(1-β1^t) · m / u
  pytorch,
};

}  // namespace lecon
