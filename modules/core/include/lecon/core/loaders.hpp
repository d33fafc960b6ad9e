#pragma once
// Readers for the official file formats. Each checks everything it reads and throws FileError
// naming the file and what was wrong (wrong magic, truncated body, header claiming more items than
// the file holds, label out of range, a CSV field missing or not a number) — never a crash, and never
// an allocation larger than what the file really holds (sizes are checked before allocating).
// "file not found" means nothing is there; a directory is "is a directory, expected a file".
#include <cstdint>
#include <string>
#include <vector>

#include "lecon/core/dataset.hpp"

namespace lecon {

// An idx file (LeCun's MNIST format): magic 0x0000 0x08 <rank>, big-endian uint32 dimensions,
// then the unsigned bytes in C order. Plain or gzip-compressed (detected by content).
struct IdxArray {
  std::vector<std::size_t> dims;
  std::vector<std::uint8_t> data;
};
IdxArray read_idx(const std::string& path);

// A plain file must hold exactly the bytes its header promises (checked against the file size first);
// a gzip file is read in chunks of at most 64 MiB, so a header that lies ends in "truncated".
// Images (n, rows, cols) and labels (n) idx files as a Dataset of shape (n, 1, rows, cols), pixels / 255.
// 0 images or 0x0 pixels are refused.
Dataset load_idx_dataset(const std::string& images_path, const std::string& labels_path,
                         const std::vector<std::string>& class_names, const std::string& name);

// CIFAR binary version: records of <label bytes><3072 pixel bytes: 1024 red, 1024 green, 1024 blue,
// each 32x32 row-major>. CIFAR-10 has 1 label byte (10 classes); CIFAR-100 has 2: coarse (20), fine (100).
enum class CifarKind { cifar10, cifar100_fine, cifar100_coarse };
Dataset read_cifar_file(const std::string& path, CifarKind kind, const std::string& name);
// The official directory layouts: cifar-10-batches-bin/{data_batch_1..5,test_batch}.bin and
// cifar-100-binary/{train,test}.bin. Class names from batches.meta.txt / *_label_names.txt when present.
DataSplit load_cifar10_dir(const std::string& dir);
DataSplit load_cifar100_dir(const std::string& dir, bool coarse = false);
const std::vector<std::string>& cifar10_class_names();

// A CSV file with a header row. Numeric columns become features; `label_column` (by name) holds the
// class as text, mapped to indices in R's order of factor levels (factor_levels.hpp: a A b B, not the
// bytes' A B a b). Features are float: a value
// beyond ±FLT_MAX is an error at its line and column; an underflowing one (1e-400) reads as 0 or a
// subnormal. At least one feature column besides the label column is required.
Dataset read_csv_dataset(const std::string& path, const std::string& label_column, const std::string& name);

// The text of a CSV file with a header row: every data row has as many fields as the header (else a
// FileError naming the line). Fields are split on commas, trimmed, and unquoted ("a" -> a); blank lines
// are skipped, and so is a UTF-8 byte order mark before the header. The building block of the readers below and of nnet's formula interface.
struct CsvText {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> line_numbers;  // the file line of each row, for error messages
};
CsvText read_csv_text(const std::string& path);

// Whether text is one finite number as a whole; if so, stores it in value. Overflow (1e999) is not;
// underflow (1e-400) is, stored as the nearest double (0 or subnormal).
bool parse_finite_number(const std::string& text, double& value);

// A numeric CSV table with a header row: names and a (rows x columns) matrix.
struct CsvTable {
  std::vector<std::string> columns;
  arma::mat values;
};
CsvTable read_csv_numeric(const std::string& path);

}  // namespace lecon
