#pragma once
// Errors are exceptions whose message names the file or option and what was expected (CONTRIBUTING.md rule 8).
// Labs turn them into one line on stderr and exit code 2 (see labkit/lab.hpp).
#include <stdexcept>
#include <string>

namespace lecon {

// Any error lecon reports on purpose: bad input, bad option, failed I/O.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A problem with a file: the message reads "<path>: <what was wrong>".
class FileError : public Error {
 public:
  FileError(const std::string& path, const std::string& what) : Error(path + ": " + what), path_(path) {}
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A command-line option or argument that makes no sense: "--option: <what was expected>".
class OptionError : public Error {
 public:
  using Error::Error;
};

}  // namespace lecon
