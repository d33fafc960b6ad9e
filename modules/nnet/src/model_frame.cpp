#include "lecon/nnet/model_frame.hpp"

#include <algorithm>
#include <map>

#include "lecon/core/error.hpp"
#include "lecon/core/factor_levels.hpp"
#include "lecon/core/loaders.hpp"

namespace lecon::nnet {

ModelFrame read_model_frame(const std::string& csv_path, const std::string& response) {
  const CsvText csv = read_csv_text(csv_path);
  const std::vector<std::string>& header = csv.header;
  const std::vector<std::vector<std::string>>& rows = csv.rows;
  const std::vector<std::size_t>& line_numbers = csv.line_numbers;
  const auto found = std::find(header.begin(), header.end(), response);
  if (found == header.end()) throw FileError(csv_path, "no column named '" + response + "' (the response) in the header");
  const std::size_t response_column = static_cast<std::size_t>(found - header.begin());

  ModelFrame frame;
  frame.source = csv_path;
  frame.response_name = response;
  for (std::size_t c = 0; c < header.size(); ++c)
    if (c != response_column) frame.input_names.push_back(header[c]);
  const std::size_t n = rows.size();
  frame.x.set_size(frame.input_names.size(), n);
  for (std::size_t r = 0; r < n; ++r) {
    std::size_t input = 0;
    for (std::size_t c = 0; c < header.size(); ++c) {
      if (c == response_column) continue;
      if (!parse_finite_number(rows[r][c], frame.x(input++, r)))
        throw FileError(csv_path, "line " + std::to_string(line_numbers[r]) + ", column '" + header[c] + "': '" +
                                      rows[r][c] + "' is not a finite number (inputs must be numeric)");
    }
  }

  // The response: numeric if every value is a number, else a factor.
  arma::vec values(n);
  bool numeric = true;
  for (std::size_t r = 0; r < n && numeric; ++r) numeric = parse_finite_number(rows[r][response_column], values[r]);
  if (numeric) {
    frame.response = values;
    return frame;
  }
  std::vector<std::string> labels;
  for (std::size_t r = 0; r < n; ++r) {
    const std::string& label = rows[r][response_column];
    if (label.empty() || label == "NA")
      throw FileError(csv_path, "line " + std::to_string(line_numbers[r]) + ": missing value in the response '" + response + "'");
    labels.push_back(label);
  }
  frame.levels = factor_levels(labels);  // R's order, not the bytes' (factor_levels.hpp): a A b B
  std::map<std::string, arma::uword> index;
  for (std::size_t k = 0; k < frame.levels.size(); ++k) index[frame.levels[k]] = k;
  frame.classes.set_size(n);
  for (std::size_t r = 0; r < n; ++r) frame.classes[r] = index.at(rows[r][response_column]);
  return frame;
}

arma::mat ModelFrame::targets() const {
  if (!is_factor()) return response.t();
  if (levels.size() == 2) return arma::conv_to<arma::rowvec>::from(classes);  // 0 / 1
  return class_ind(classes, levels.size());
}

NnetOptions ModelFrame::formula_options(NnetOptions options) const {
  if (is_factor() && levels.size() == 2) options.entropy = true;
  if (is_factor() && levels.size() > 2) options.softmax = true;
  return options;
}

arma::uvec ModelFrame::predict_classes(const Nnet& net) const {
  if (!is_factor()) throw Error("nnet: the response '" + response_name + "' of " + source + " is numeric, not a factor; no classes to predict");
  return net.classify(x);
}

NnetFit fit_nnet(const ModelFrame& frame, const NnetOptions& options, const arma::vec& initial_weights) {
  return fit_nnet(frame.x, frame.targets(), frame.formula_options(options), initial_weights);
}

NnetFit fit_nnet(const ModelFrame& frame, const NnetOptions& options, Rng& rng) {
  return fit_nnet(frame.x, frame.targets(), frame.formula_options(options), rng);
}

}  // namespace lecon::nnet
