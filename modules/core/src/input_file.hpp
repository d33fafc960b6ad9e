#pragma once
// The first check of every loader: the path names an existing regular file. Shared by the idx, CIFAR
// and CSV readers and H5Reader (not part of the public headers).
#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>

#include "lecon/core/error.hpp"

namespace lecon::detail {

// Throws FileError "<path>: file not found" only when nothing exists there; a directory or another
// kind of file gets its own message, so a wrong path and a wrong kind of path read differently.
// `expected` names what should be there ("a file", "an HDF5 file"). Returns the file's size in bytes.
inline std::uintmax_t require_regular_file(const std::string& path, const std::string& expected = "a file") {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (status.type() == fs::file_type::not_found) throw FileError(path, "file not found");
  if (error) throw FileError(path, "cannot access: " + error.message());
  if (status.type() == fs::file_type::directory) throw FileError(path, "is a directory, expected " + expected);
  if (status.type() != fs::file_type::regular) throw FileError(path, "is not a regular file, expected " + expected);
  const std::uintmax_t bytes = fs::file_size(path, error);
  if (error) throw FileError(path, "cannot access: " + error.message());
  return bytes;
}

}  // namespace lecon::detail
