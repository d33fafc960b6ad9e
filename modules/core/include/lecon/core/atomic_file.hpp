#pragma once
// Saving a file so that nothing saved before is ever lost (docs/reliability.md).
//
// save_file_atomically writes the bytes to a short temporary name in the target's directory,
// ".<16 hex digits of the target's name>.<pid>-<n>.lecon-tmp", flushes it to disk (fsync), renames it
// onto the target and syncs the directory. A crash at any moment leaves either the old file or the new
// one under the target's name, never a mixture. A full disk, a read-only file system or any other
// failing write ends in one FileError naming the target with the operating system's reason; the
// temporary file is removed and the old file is untouched. Temporary files left by processes that
// died (SIGKILL, power loss) are removed by the next save to the same target.
#include <cstddef>
#include <string>
#include <vector>

namespace lecon {

// Throws FileError(path, ...) unless `path` may be saved to: its directory exists, and `path` does not
// exist yet or is a regular file that is not read-only. A symbolic link, a directory, a device node, a
// pipe or a socket is refused rather than silently replaced (root could otherwise overwrite /dev/sda).
void check_save_target(const std::string& path);

// One piece of the file: `size` bytes at `data`.
struct FilePiece {
  const void* data;
  std::size_t size;
};

// Writes the pieces, in order, as the new content of `path` (see above). Calls check_save_target first.
void save_file_atomically(const std::string& path, const std::vector<FilePiece>& pieces);

// The temporary name a save to `path` by process `pid` uses for its n-th file (exposed for tests).
std::string temporary_path(const std::string& path, long pid, unsigned long n);

}  // namespace lecon
