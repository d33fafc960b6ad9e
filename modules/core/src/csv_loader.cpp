#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>

#include "lecon/core/loaders.hpp"

#include "input_file.hpp"
#include "lecon/core/factor_levels.hpp"

namespace lecon {
namespace {

// Splits one line on commas; surrounding spaces and double quotes are removed (no embedded commas).
std::vector<std::string> split_fields(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    std::string field = line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto first = field.find_first_not_of(" \t");
    const auto last = field.find_last_not_of(" \t");
    field = first == std::string::npos ? "" : field.substr(first, last - first + 1);
    if (field.size() >= 2 && field.front() == '"' && field.back() == '"') field = field.substr(1, field.size() - 2);
    fields.push_back(field);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return fields;
}

// How one field reads as a number. strtod's ERANGE means two things: overflow (1e999, returned as
// HUGE_VAL) is an error; underflow (1e-400) is a valid number whose nearest double is 0 or subnormal,
// and that value is kept.
enum class NumberText { ok, not_a_number, not_finite, out_of_range };

NumberText parse_number_text(const std::string& text, double& value) {
  if (text.empty()) return NumberText::not_a_number;
  errno = 0;
  char* end = nullptr;
  const double parsed = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return NumberText::not_a_number;
  if (errno == ERANGE && std::isinf(parsed)) return NumberText::out_of_range;
  if (!std::isfinite(parsed)) return NumberText::not_finite;  // "nan", "inf" written out
  value = parsed;
  return NumberText::ok;
}

// One field as a number whose magnitude must fit `range_name` ("float": at most FLT_MAX).
double parse_number(const std::string& path, std::size_t line_no, const std::string& column, const std::string& text,
                    double largest, const char* range_name) {
  const std::string where = "line " + std::to_string(line_no) + ", column '" + column + "': ";
  if (text.empty()) throw FileError(path, where + "empty field, expected a number");
  double value = 0;
  const NumberText parsed = parse_number_text(text, value);
  if (parsed == NumberText::not_a_number) throw FileError(path, where + "'" + text + "' is not a number");
  if (parsed == NumberText::not_finite) throw FileError(path, where + "'" + text + "' is not a finite number");
  if (parsed == NumberText::out_of_range || std::abs(value) > largest) {
    char limit[32];
    std::snprintf(limit, sizeof limit, "%g", largest);
    throw FileError(path, where + text + " is out of " + range_name + " range, expected a magnitude of at most " + limit);
  }
  return value;
}

constexpr char kByteOrderMark[] = "\xEF\xBB\xBF";  // UTF-8 BOM, as spreadsheet programs write

}  // namespace

bool parse_finite_number(const std::string& text, double& value) {
  return parse_number_text(text, value) == NumberText::ok;
}

CsvText read_csv_text(const std::string& path) {
  detail::require_regular_file(path);
  std::ifstream in(path);
  if (!in) throw FileError(path, "cannot open for reading");
  CsvText csv;
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no == 1 && line.compare(0, 3, kByteOrderMark) == 0) line.erase(0, 3);
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank lines
    std::vector<std::string> fields = split_fields(line);
    if (csv.header.empty()) {
      csv.header = fields;
      continue;
    }
    if (fields.size() != csv.header.size())
      throw FileError(path, "line " + std::to_string(line_no) + ": expected " + std::to_string(csv.header.size()) +
                                " fields, found " + std::to_string(fields.size()));
    csv.rows.push_back(std::move(fields));
    csv.line_numbers.push_back(line_no);
  }
  if (csv.header.empty()) throw FileError(path, "empty file, expected a header row");
  if (csv.rows.empty()) throw FileError(path, "no data rows after the header");
  return csv;
}

CsvTable read_csv_numeric(const std::string& path) {
  const CsvText csv = read_csv_text(path);
  CsvTable table;
  table.columns = csv.header;
  table.values.set_size(csv.rows.size(), csv.header.size());
  for (std::size_t r = 0; r < csv.rows.size(); ++r)
    for (std::size_t c = 0; c < csv.header.size(); ++c)
      table.values(r, c) = parse_number(path, csv.line_numbers[r], csv.header[c], csv.rows[r][c],
                                        std::numeric_limits<double>::max(), "double");
  return table;
}

Dataset read_csv_dataset(const std::string& path, const std::string& label_column, const std::string& name) {
  const CsvText csv = read_csv_text(path);
  const auto label_at = std::find(csv.header.begin(), csv.header.end(), label_column);
  if (label_at == csv.header.end()) throw FileError(path, "no column named '" + label_column + "' in the header");
  const std::size_t label_index = static_cast<std::size_t>(label_at - csv.header.begin());
  if (csv.header.size() < 2)
    throw FileError(path, "no feature columns besides '" + label_column + "', expected at least one numeric column");

  std::vector<std::string> labels;
  for (const auto& row : csv.rows) {
    if (row[label_index].empty()) throw FileError(path, "empty class label in column '" + label_column + "'");
    labels.push_back(row[label_index]);
  }
  Dataset data;
  data.name = name;
  data.class_names = factor_levels(labels);  // R's order: levels(factor(labels)) (factor_levels.hpp)
  std::map<std::string, arma::uword> level_index;
  for (std::size_t k = 0; k < data.class_names.size(); ++k) level_index[data.class_names[k]] = k;

  const std::size_t n = csv.rows.size(), d = csv.header.size() - 1;
  for (std::size_t c = 0; c < csv.header.size(); ++c)
    if (c != label_index) data.feature_names.push_back(csv.header[c]);
  data.x = Tensor<Real>(Shape{n, d});
  data.y.set_size(n);
  for (std::size_t r = 0; r < n; ++r) {
    std::size_t feature = 0;
    for (std::size_t c = 0; c < csv.header.size(); ++c) {
      if (c == label_index) continue;
      // lecon::Real is float: a value beyond its range is reported here, at its line and column.
      data.x.at(r, feature++) = static_cast<Real>(parse_number(path, csv.line_numbers[r], csv.header[c], csv.rows[r][c],
                                                               std::numeric_limits<Real>::max(), "float"));
    }
    data.y[r] = level_index.at(csv.rows[r][label_index]);
  }
  return data;
}

}  // namespace lecon
