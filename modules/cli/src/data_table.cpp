#include "data_table.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <set>

#include "lecon/core/data_store.hpp"
#include "lecon/core/error.hpp"
#include "lecon/core/hdf5_io.hpp"
#include "lecon/core/loaders.hpp"

namespace lecon::cli {
namespace {

bool is_h5(const std::string& path) { return std::filesystem::path(path).extension() == ".h5"; }

DataTable read_csv_table(const std::string& path, const std::string& target, bool target_required) {
  const CsvText csv = read_csv_text(path);
  DataTable table;
  table.path = path;
  std::size_t target_index = csv.header.size();
  if (!target.empty()) {
    const auto at = std::find(csv.header.begin(), csv.header.end(), target);
    if (at != csv.header.end()) target_index = static_cast<std::size_t>(at - csv.header.begin());
    else if (target_required) throw FileError(path, "no column '" + target + "' (--target); the columns are " + join(csv.header));
  }
  if (target_index < csv.header.size()) table.target = target;
  for (std::size_t c = 0; c < csv.header.size(); ++c)
    if (c != target_index) table.feature_names.push_back(csv.header[c]);
  {
    std::set<std::string> seen;
    for (const std::string& name : csv.header)
      if (!seen.insert(name).second) throw FileError(path, "column '" + name + "' appears twice in the header");
  }
  const std::size_t n = csv.rows.size(), d = table.feature_names.size();
  table.x.set_size(d, n);
  table.lines = csv.line_numbers;
  for (std::size_t r = 0; r < n; ++r) {
    std::size_t feature = 0;
    for (std::size_t c = 0; c < csv.header.size(); ++c) {
      const std::string& field = csv.rows[r][c];
      if (c == target_index) {
        if (field.empty()) throw FileError(path, "line " + std::to_string(csv.line_numbers[r]) + ", column '" + target + "': empty target");
        table.target_text.push_back(field);
        continue;
      }
      double value = 0;
      const std::string at = "line " + std::to_string(csv.line_numbers[r]) + ", column '" + csv.header[c] + "': ";
      if (field.empty()) throw FileError(path, at + "empty field, expected a number");
      if (!parse_finite_number(field, value)) throw FileError(path, at + "'" + field + "' is not a number");
      if (std::abs(value) > std::numeric_limits<Real>::max()) throw FileError(path, at + field + " is out of float range");
      table.x(feature++, r) = static_cast<Real>(value);
    }
  }
  return table;
}

DataTable read_h5_table(const std::string& path, const std::string& part) {
  if (part != "train" && part != "test" && part != "valid") throw OptionError("--part " + part + ": expected train, test or valid");
  const std::filesystem::path p(path);
  const std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
  const DataSplit split = load_data(dir, p.stem().string());
  const Dataset& data = part == "train" ? split.train : part == "test" ? split.test : split.valid;
  if (data.size() == 0) throw FileError(path, "no /" + part + " part (--part)");
  DataTable table;
  table.path = path;
  table.feature_names = data.feature_names;
  table.x = data.x.matrix();  // (d x n): one sample per column, images flattened
  table.pixels = H5Reader(path).stored_type("/" + part + "/x").pixels();
  if (table.pixels) table.x = arma::round(table.x * Real(255));  // back to the stored bytes 0-255
  table.class_names = data.class_names;
  table.target = "class";
  for (arma::uword label : data.y) table.target_text.push_back(data.class_names.at(label));
  return table;
}

}  // namespace

std::string DataTable::where(std::size_t row) const {
  return lines.empty() ? "sample " + std::to_string(row + 1) : "line " + std::to_string(lines.at(row));
}

std::string join(const std::vector<std::string>& names, std::size_t limit) {
  std::string text;
  for (std::size_t i = 0; i < names.size() && i < limit; ++i) text += (i ? ", " : "") + names[i];
  if (names.size() > limit) text += ", ... (" + std::to_string(names.size()) + " in all)";
  return text;
}

DataTable read_table(const std::string& path, const std::string& target, bool target_required, const std::string& part) {
  if (is_h5(path)) return read_h5_table(path, part);
  return read_csv_table(path, target, target_required);
}

arma::Mat<Real> features_for_model(const DataTable& table, const Pipeline& pipeline, std::size_t inputs, const std::string& model) {
  const std::vector<std::string>& wanted = pipeline.feature_names;
  if (!wanted.empty() && !table.feature_names.empty()) {
    std::map<std::string, std::size_t> column;
    for (std::size_t c = 0; c < table.feature_names.size(); ++c) column[table.feature_names[c]] = c;
    for (const std::string& name : wanted)
      if (column.count(name) == 0)
        throw FileError(table.path, "no column '" + name + "', which " + model + " takes as input (it takes " + join(wanted) + ")");
    if (table.feature_names.size() != wanted.size()) {
      std::vector<std::string> extra;
      for (const std::string& name : table.feature_names)
        if (std::find(wanted.begin(), wanted.end(), name) == wanted.end()) extra.push_back(name);
      throw FileError(table.path, std::to_string(table.feature_names.size()) + " input columns, but " + model + " takes " +
                                      std::to_string(wanted.size()) + " (" + join(wanted) + "); not in the model: " + join(extra));
    }
    arma::Mat<Real> x(wanted.size(), table.size());
    for (std::size_t j = 0; j < wanted.size(); ++j) x.row(j) = table.x.row(column.at(wanted[j]));
    if (x.n_rows != inputs)
      throw FileError(model, "its pipeline names " + std::to_string(x.n_rows) + " features but its first layer takes " + std::to_string(inputs));
    return x;
  }
  if (table.x.n_rows != inputs)
    throw FileError(table.path, "samples of " + std::to_string(table.x.n_rows) + " values, but " + model + " takes " + std::to_string(inputs));
  return table.x;
}

arma::uvec classes_for_model(const DataTable& table, const Pipeline& pipeline, const std::string& model) {
  std::map<std::string, arma::uword> index;
  for (std::size_t k = 0; k < pipeline.class_names.size(); ++k) index[pipeline.class_names[k]] = k;
  arma::uvec y(table.size());
  for (std::size_t r = 0; r < table.size(); ++r) {
    const auto found = index.find(table.target_text.at(r));
    if (found == index.end())
      throw FileError(table.path, table.where(r) + ", column '" + table.target + "': class '" + table.target_text[r] +
                                      "' was not seen in training (" + model + " knows " + join(pipeline.class_names) + ")");
    y[r] = found->second;
  }
  return y;
}

bool target_is_numeric(const DataTable& table) {
  if (!table.class_names.empty()) return false;  // a data file's labels are classes
  double value = 0;
  return std::all_of(table.target_text.begin(), table.target_text.end(), [&](const std::string& t) { return parse_finite_number(t, value); });
}

arma::vec numeric_target(const DataTable& table) {
  arma::vec y(table.size());
  for (std::size_t r = 0; r < table.size(); ++r) {
    double value = 0;
    if (!parse_finite_number(table.target_text.at(r), value))
      throw FileError(table.path, table.where(r) + ", column '" + table.target + "': '" + table.target_text[r] +
                                      "' is not a number (the model predicts a number)");
    y[r] = value;
  }
  return y;
}

}  // namespace lecon::cli
