#pragma once
// Which written form of an update rule an optimizer computes. The lecture's slides, the papers, keras and
// PyTorch write several rules differently (where ε goes, whether the moments are bias-corrected, which norm);
// docs/optimizers.md gives each rule's forms side by side and says which is which.
//
// Adam, AMSGrad and AdaMax take all three; Adagrad, Adadelta and RMSprop take keras and pytorch (which compute
// the same rule for them) or slide. Nadam's slide form is NadamMomentum::slide (nadam.hpp).

namespace lecon {

enum class Convention {
  // keras 2 (the lecture's R interface), the default. In the Adam family the bias corrections go into the
  // step size and ε is added to the uncorrected √v (the efficient form at the end of Kingma & Ba §2, ε̂):
  //   Adam:    θ <- θ - η √(1-β2^t)/(1-β1^t) · m / (√v + ε)
  //   AdaMax:  θ <- θ - η/(1-β1^t) · m / (u + ε)
  keras,
  // PyTorch, and Algorithm 1 of Kingma & Ba: in the Adam family ε is added to the corrected √v̂:
  //   Adam:    θ <- θ - η m̂ / (√v̂ + ε)
  //   AdaMax:  ε inside the maximum, u <- max(β2 u, |g| + ε),  θ <- θ - η/(1-β1^t) · m / u
  pytorch,
  // The lecture's slide, exactly as written:
  //   Adagrad:            θ <- θ - η/√(G + ε) · g                 (ε inside the root)
  //   Adadelta, RMSprop:  θ <- θ - η/√(E[g²] + ε) · g             (no RMS[Δθ] ratio in Adadelta)
  //   Adam, AMSGrad:      θ <- θ - η m / (√v + ε)                 (no bias correction)
  //   AdaMax:             u <- β2 u + (1 - β2) ‖g‖∞,  θ <- θ - η m / (u + ε)   (one scalar u per tensor)
  slide,
};

// The earlier name, from when the convention only placed ε in the Adam family.
using EpsilonConvention = Convention;

}  // namespace lecon
