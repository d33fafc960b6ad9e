#include "lecon/labkit/confusion.hpp"

#include "lecon/core/error.hpp"

namespace lecon {

arma::umat confusion_counts(const arma::uvec& predicted, const arma::uvec& actual, std::size_t classes) {
  if (predicted.n_elem != actual.n_elem)
    throw Error("confusion table: " + std::to_string(predicted.n_elem) + " predictions for " + std::to_string(actual.n_elem) + " labels");
  arma::umat counts(classes, classes, arma::fill::zeros);
  for (arma::uword i = 0; i < predicted.n_elem; ++i) {
    if (predicted[i] >= classes || actual[i] >= classes) throw Error("confusion table: class index out of range");
    counts(predicted[i], actual[i]) += 1;
  }
  return counts;
}

Table confusion_table(const std::string& title, const arma::uvec& predicted, const arma::uvec& actual,
                      const std::vector<std::string>& class_names) {
  const arma::umat counts = confusion_counts(predicted, actual, class_names.size());
  std::vector<std::string> columns = {"predicted \\ actual"};
  for (const auto& name : class_names) columns.push_back(name);
  Table table(title, columns);
  for (std::size_t p = 0; p < class_names.size(); ++p) {
    std::vector<std::string> row = {class_names[p]};
    for (std::size_t a = 0; a < class_names.size(); ++a) row.push_back(std::to_string(counts(p, a)));
    table.add_row(row);
  }
  const double correct = arma::accu(counts.diag());
  table.add_note("accuracy " + fixed(correct / std::max<double>(1, predicted.n_elem), 4) + " (" + std::to_string(static_cast<long>(correct)) +
                 " of " + std::to_string(predicted.n_elem) + ")");
  return table;
}

}  // namespace lecon
