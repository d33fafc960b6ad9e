#pragma once
// Result tables: aligned text on the terminal, Markdown and CSV into results/.
// Each lab builds one Table per lecture table, with the lecture's reference column beside ours.
#include <iosfwd>
#include <string>
#include <vector>

namespace lecon {

class Table {
 public:
  Table(std::string title, std::vector<std::string> columns);
  void add_row(std::vector<std::string> cells);
  // A line printed under the table (sources of reference figures, stand-in data labels, ...).
  void add_note(std::string note);
  // What our rows were computed on when it is not the original data: a stand-in, a re-encoding, a regeneration.
  // The CSV has no title and no notes, so there the label is a last column "data" on every row; print and
  // Markdown show it as the first note, "data: <label>". Empty (the default): nothing is added.
  void set_data_label(std::string label);

  void print(std::ostream& out) const;      // aligned columns, numbers right-aligned
  std::string markdown() const;             // "### title", a pipe table, the notes
  std::string csv() const;                  // header row then rows, RFC 4180 quoting
  // Writes <path_stem>.md and <path_stem>.csv atomically.
  void save(const std::string& path_stem) const;

  const std::vector<std::vector<std::string>>& rows() const { return rows_; }
  const std::vector<std::string>& columns() const { return columns_; }

 private:
  std::string title_;
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::string> notes_;
  std::string data_label_;
};

// Fixed-point text of a number: fixed(3.14159, 2) == "3.14".
std::string fixed(double value, int decimals);
// Writes text to path with core's save_file_atomically (atomic_file.hpp): a short temporary name, fsync,
// rename; a crash or a full disk never leaves half a file under the real name (an older file there stays
// as it was), a symlink or device is never replaced. Throws FileError naming path and the system's reason.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace lecon
