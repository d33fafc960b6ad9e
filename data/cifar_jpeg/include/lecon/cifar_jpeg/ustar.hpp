#pragma once
// The members of a gzip-compressed POSIX ustar archive (a .tar.gz), read with zlib.
//
// A tar is a sequence of 512-byte blocks: for each member a header block (name in bytes 0-99, size in
// bytes 124-135 as octal text, header checksum in bytes 148-155, type in byte 156, "ustar" at 257 and a
// name prefix in bytes 345-499) followed by the member's bytes padded to a whole block; two zero blocks
// end the archive [spec: POSIX.1 (IEEE Std 1003.1), pax, "ustar Interchange Format"].
// Only regular files are returned; every header's checksum is checked. A truncated gzip stream, a
// member running past the end, a bad checksum or an archive without its end blocks is a FileError
// naming `display_name` (what the user knows the file as) and, where there is one, the member.
#include <cstdint>
#include <string>
#include <vector>

namespace lecon {

struct TarMember {
  std::string name;
  std::vector<std::uint8_t> bytes;
};

// At most `max_bytes` of decompressed data are read (a bigger archive is refused, not allocated).
std::vector<TarMember> read_tar_gz(const std::string& path, const std::string& display_name,
                                   std::size_t max_bytes = std::size_t(256) << 20);

}  // namespace lecon
