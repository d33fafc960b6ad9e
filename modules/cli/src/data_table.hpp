#pragma once
// The tool's view of a data file: numeric feature columns and, when present, a target column, read from a
// CSV file with a header row or from a lecon data file (.h5, docs/architecture.md "Data flow"). Every fault
// is a FileError naming the file, and the line and column where there is one.
#include <armadillo>
#include <string>
#include <vector>

#include "lecon/backprop/pipeline.hpp"
#include "lecon/core/tensor.hpp"

namespace lecon::cli {

struct DataTable {
  std::string path;
  std::vector<std::string> feature_names;  // (d) empty for images
  arma::Mat<Real> x;                       // (d x n) raw values (pixels as 0-255), one sample per column
  bool pixels = false;                     // x came from 8-bit pixels of a data file
  std::string target;                      // the target column, "" when the file has none
  std::vector<std::string> target_text;    // (n) the target of each row as written (classes)
  std::vector<std::size_t> lines;          // (n) the file line of each row (CSV), for messages
  std::vector<std::string> class_names;    // a data file's class names (.h5); empty for CSV

  std::size_t size() const { return x.n_cols; }
  // "line 12" for CSV rows, "sample 12" for data files (both 1-based).
  std::string where(std::size_t row) const;
};

// Reads `path`: CSV (any other extension) or a lecon data file (.h5, the `part`: train, test or valid).
// `target` names the target column; with target_required a file without it is an error naming the
// columns there are. CSV columns other than the target must hold numbers (float range).
DataTable read_table(const std::string& path, const std::string& target, bool target_required, const std::string& part);

// The table's features in the order the model was trained on (pipeline.feature_names), checked: a CSV
// must hold exactly those columns besides the target (any order), a data file samples of the model's
// width. `model` names the model file for messages; `inputs` is the model's input width.
arma::Mat<Real> features_for_model(const DataTable& table, const Pipeline& pipeline, std::size_t inputs, const std::string& model);

// The class index of every row under the model's class names; a class the model never saw is a FileError
// naming the row and the classes the model knows.
arma::uvec classes_for_model(const DataTable& table, const Pipeline& pipeline, const std::string& model);

// The numeric target of every row (regression); text is a FileError naming the line.
arma::vec numeric_target(const DataTable& table);

// Whether every target value reads as a number (the tool's "auto" task: regression then).
bool target_is_numeric(const DataTable& table);

// "a, b, c"
std::string join(const std::vector<std::string>& names, std::size_t limit = 12);

}  // namespace lecon::cli
