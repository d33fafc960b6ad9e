#include "lecon/labkit/table.hpp"

#include <cstdio>
#include <iostream>
#include <sstream>

#include "lecon/core/atomic_file.hpp"
#include "lecon/core/error.hpp"

namespace lecon {
namespace {

bool looks_numeric(const std::string& cell) {
  if (cell.empty()) return false;
  const char c = cell.front();
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
}

std::string csv_cell(const std::string& cell) {
  if (cell.find_first_of(",\"\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string markdown_cell(const std::string& cell) {
  std::string escaped;
  for (char c : cell) escaped += c == '|' ? std::string("\\|") : std::string(1, c);
  return escaped;
}

}  // namespace

Table::Table(std::string title, std::vector<std::string> columns) : title_(std::move(title)), columns_(std::move(columns)) {}

void Table::add_row(std::vector<std::string> cells) {
  if (cells.size() != columns_.size())
    throw Error("Table '" + title_ + "': row of " + std::to_string(cells.size()) + " cells for " +
                std::to_string(columns_.size()) + " columns");
  rows_.push_back(std::move(cells));
}

void Table::add_note(std::string note) { notes_.push_back(std::move(note)); }
void Table::set_data_label(std::string label) { data_label_ = std::move(label); }

void Table::print(std::ostream& out) const {
  std::vector<std::size_t> width(columns_.size());
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    width[c] = columns_[c].size();
    for (const auto& row : rows_) width[c] = std::max(width[c], row[c].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::size_t pad = width[c] - cells[c].size();
      out << (c ? "  " : "");
      if (looks_numeric(cells[c])) out << std::string(pad, ' ') << cells[c];
      else out << cells[c] << (c + 1 < cells.size() ? std::string(pad, ' ') : "");
    }
    out << '\n';
  };
  out << title_ << '\n';
  line(columns_);
  std::size_t total = 0;
  for (std::size_t w : width) total += w;
  out << std::string(total + 2 * (width.size() - 1), '-') << '\n';
  for (const auto& row : rows_) line(row);
  if (!data_label_.empty()) out << "  data: " << data_label_ << '\n';
  for (const auto& note : notes_) out << "  " << note << '\n';
  out << '\n';
}

std::string Table::markdown() const {
  std::ostringstream md;
  md << "### " << title_ << "\n\n|";
  for (const auto& c : columns_) md << ' ' << markdown_cell(c) << " |";
  md << "\n|";
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    const bool numeric = !rows_.empty() && looks_numeric(rows_.front()[c]);
    md << (numeric ? "---:|" : "---|");
  }
  md << '\n';
  for (const auto& row : rows_) {
    md << '|';
    for (const auto& cell : row) md << ' ' << markdown_cell(cell) << " |";
    md << '\n';
  }
  if (!notes_.empty() || !data_label_.empty()) md << '\n';
  if (!data_label_.empty()) md << "data: " << markdown_cell(data_label_) << "  \n";
  for (const auto& note : notes_) md << note << "  \n";
  return md.str();
}

std::string Table::csv() const {
  std::ostringstream out;
  const bool labelled = !data_label_.empty();
  for (std::size_t c = 0; c < columns_.size(); ++c) out << (c ? "," : "") << csv_cell(columns_[c]);
  out << (labelled ? ",data\n" : "\n");
  for (const auto& row : rows_) {
    for (std::size_t c = 0; c < row.size(); ++c) out << (c ? "," : "") << csv_cell(row[c]);
    out << (labelled ? "," + csv_cell(data_label_) + "\n" : "\n");
  }
  return out.str();
}

void Table::save(const std::string& path_stem) const {
  write_file_atomically(path_stem + ".md", markdown());
  write_file_atomically(path_stem + ".csv", csv());
}

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

void write_file_atomically(const std::string& path, const std::string& text) {
  save_file_atomically(path, {{text.data(), text.size()}});
}

}  // namespace lecon
