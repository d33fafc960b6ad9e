#pragma once
// A confusion table in the shape of R's table(predicted, actual): one row per predicted class, one
// column per actual class, so the diagonal holds the correct predictions.
#include <armadillo>
#include <string>
#include <vector>

#include "lecon/labkit/table.hpp"

namespace lecon {

// (classes x classes) counts: entry (p, a) = samples predicted p whose actual class is a.
arma::umat confusion_counts(const arma::uvec& predicted, const arma::uvec& actual, std::size_t classes);

Table confusion_table(const std::string& title, const arma::uvec& predicted, const arma::uvec& actual,
                      const std::vector<std::string>& class_names);

}  // namespace lecon
