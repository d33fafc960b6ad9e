#include "lecon/core/atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "lecon/core/error.hpp"

namespace lecon {
namespace {

namespace fs = std::filesystem;

std::string os_reason(int error) { return std::strerror(error); }

// FNV-1a, 64 bits: a short, stable tag for the target's name (so a 250-character name still fits).
std::uint64_t name_hash(const std::string& name) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : name) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string directory_of(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

std::string temporary_prefix(const std::string& path) {
  char tag[24];
  std::snprintf(tag, sizeof tag, ".%016llx.", static_cast<unsigned long long>(name_hash(fs::path(path).filename().string())));
  return tag;
}

constexpr const char* kTemporarySuffix = ".lecon-tmp";

// Removes "<prefix><pid>-<n>.lecon-tmp" files of processes that no longer exist.
void remove_stale_temporaries(const std::string& path) {
  const std::string prefix = temporary_prefix(path);
  const std::string suffix = kTemporarySuffix;
  std::error_code ec;
  for (fs::directory_iterator it(directory_of(path), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    char* end_of_pid = nullptr;
    const long pid = std::strtol(name.c_str() + prefix.size(), &end_of_pid, 10);
    if (pid <= 0 || *end_of_pid != '-' || pid == static_cast<long>(getpid())) continue;
    if (kill(static_cast<pid_t>(pid), 0) == -1 && errno == ESRCH) {
      std::error_code ignored;
      fs::remove(it->path(), ignored);
    }
  }
}

// Writes all of [data, data + size) to fd; returns 0 or the errno of the failing write.
int write_all(int fd, const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return 0;
}

}  // namespace

std::string temporary_path(const std::string& path, long pid, unsigned long n) {
  return directory_of(path) + "/" + temporary_prefix(path) + std::to_string(pid) + "-" + std::to_string(n) + kTemporarySuffix;
}

void check_save_target(const std::string& path) {
  if (path.empty()) throw FileError(path, "cannot save: empty file name");
  const std::string dir = directory_of(path);
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) throw FileError(path, "cannot save: directory " + dir + ": " + os_reason(errno));
  if (!S_ISDIR(st.st_mode)) throw FileError(path, "cannot save: " + dir + " is not a directory");
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return;
    throw FileError(path, "cannot save: " + os_reason(errno));
  }
  if (S_ISLNK(st.st_mode))
    throw FileError(path, "cannot save: it is a symbolic link, and lecon replaces only regular files (save to its target instead)");
  if (S_ISDIR(st.st_mode)) throw FileError(path, "cannot save: it is a directory");
  if (!S_ISREG(st.st_mode)) throw FileError(path, "cannot save: it is not a regular file (a device, pipe or socket), refusing to replace it");
  if ((st.st_mode & 0222) == 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    throw FileError(path, std::string("cannot save: the file is read-only (mode ") + mode + "), refusing to replace it");
  }
}

void save_file_atomically(const std::string& path, const std::vector<FilePiece>& pieces) {
  check_save_target(path);
  remove_stale_temporaries(path);
  static std::atomic<unsigned long> counter{0};
  const std::string temp = temporary_path(path, static_cast<long>(getpid()), counter++);

  // Keep the mode of the file being replaced; new files get 0644 less the umask.
  mode_t mode = 0644;
  struct stat old {};
  if (::stat(path.c_str(), &old) == 0) mode = old.st_mode & 07777;

  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throw FileError(path, "cannot save: cannot create a file in " + directory_of(path) + ": " + os_reason(errno));
  int error = 0;
  const char* step = "write";
  for (const FilePiece& piece : pieces)
    if (!error) error = write_all(fd, piece.data, piece.size);
  if (!error && ::fsync(fd) != 0) {
    error = errno;
    step = "flush to disk";
  }
  if (::close(fd) != 0 && !error) {
    error = errno;
    step = "close";
  }
  if (!error && ::rename(temp.c_str(), path.c_str()) != 0) {
    error = errno;
    step = "rename into place";
  }
  if (error) {
    ::unlink(temp.c_str());
    throw FileError(path, std::string("cannot save (") + step + " failed): " + os_reason(error) + "; the previous file, if any, is unchanged");
  }
  // Make the rename itself durable; a failure here cannot undo it, so it is not an error.
  const int dir_fd = ::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

}  // namespace lecon
