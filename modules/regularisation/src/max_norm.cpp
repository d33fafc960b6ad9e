#include "lecon/regularisation/max_norm.hpp"

#include "lecon/core/error.hpp"

namespace lecon {

template <typename T>
MaxNorm<T>::MaxNorm(double max_norm) : max_norm_(max_norm) {
  if (!(max_norm > 0)) throw OptionError("max-norm: the bound c must be positive, got " + std::to_string(max_norm));
}

template <typename T>
void MaxNorm<T>::after_step(const std::vector<Param<T>*>& params) {
  for (Param<T>* p : params) {
    if (!p->decay) continue;
    // [paper: Srivastava et al. 2014, §5.1]  ||w_j|| > c  =>  w_j <- c w_j / ||w_j||   (w_j: unit j's incoming weights)
    if (p->units == UnitLayout::none)
      throw Error("max-norm: parameter '" + p->name + "' does not declare which of its weights belong to one unit (Param::units)");
    // EXERCISE max-norm BEGIN
    if (p->units == UnitLayout::rows) {  // Dense: row j holds unit j's incoming weights
      for (arma::uword j = 0; j < p->value.n_rows; ++j) {
        const double norm = arma::norm(arma::conv_to<arma::rowvec>::from(p->value.row(j)));
        if (norm > max_norm_) p->value.row(j) *= static_cast<T>(max_norm_ / norm);
      }
    } else {  // UnitLayout::columns, Conv2D: column f holds filter f
      for (arma::uword j = 0; j < p->value.n_cols; ++j) {
        const double norm = arma::norm(arma::conv_to<arma::vec>::from(p->value.col(j)));
        if (norm > max_norm_) p->value.col(j) *= static_cast<T>(max_norm_ / norm);
      }
    }
    // EXERCISE max-norm END
  }
}

template class MaxNorm<float>;
template class MaxNorm<double>;

}  // namespace lecon
