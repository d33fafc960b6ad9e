#include "lecon/cifar_jpeg/ustar.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "lecon/core/error.hpp"

namespace lecon {
namespace {

constexpr std::size_t kBlock = 512;

// zlib's message without the path it puts in front (the caller names the file).
std::string zlib_reason(gzFile file, const std::string& path, int& code) {
  std::string why = gzerror(file, &code);
  if (why.rfind(path + ": ", 0) == 0) why.erase(0, path.size() + 2);
  return why;
}

// The whole decompressed stream. zlib reports a stream that ends early (a truncated download) as an
// error after the last bytes it could inflate.
std::vector<std::uint8_t> gunzip(const std::string& path, const std::string& display_name, std::size_t max_bytes) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) throw FileError(display_name, "file not found, expected a gzip-compressed tar");
  {
    std::ifstream in(path, std::ios::binary);
    unsigned char magic[2] = {0, 0};
    in.read(reinterpret_cast<char*>(magic), 2);
    if (!in || magic[0] != 0x1f || magic[1] != 0x8b) throw FileError(display_name, "not gzip data, expected a gzip-compressed tar");
  }
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) throw FileError(display_name, "cannot open for reading");
  std::vector<std::uint8_t> data;
  std::uint8_t buffer[1 << 16];
  for (;;) {
    const int n = gzread(file, buffer, sizeof buffer);
    if (n < 0) {
      int code = 0;
      const std::string why = zlib_reason(file, path, code);
      gzclose(file);
      throw FileError(display_name, "corrupt or truncated gzip data (zlib: " + why + ") after " + std::to_string(data.size()) + " bytes");
    }
    if (n == 0) break;
    if (data.size() + static_cast<std::size_t>(n) > max_bytes) {
      gzclose(file);
      throw FileError(display_name, "more than " + std::to_string(max_bytes) + " bytes once decompressed, expected a CIFAR batch archive");
    }
    data.insert(data.end(), buffer, buffer + n);
  }
  int code = 0;
  const std::string why = zlib_reason(file, path, code);
  gzclose(file);
  if (code != Z_OK) throw FileError(display_name, "corrupt or truncated gzip data (zlib: " + why + ")");
  return data;
}

// A NUL- or space-terminated field of at most `size` bytes.
std::string field(const std::uint8_t* header, std::size_t offset, std::size_t size) {
  const char* begin = reinterpret_cast<const char*>(header + offset);
  std::size_t n = 0;
  while (n < size && begin[n] != '\0') ++n;
  return std::string(begin, n);
}

// An octal number field (tar's sizes and checksums): digits, then NUL or spaces.
bool octal(const std::uint8_t* header, std::size_t offset, std::size_t size, std::uint64_t& value) {
  value = 0;
  std::size_t i = 0;
  while (i < size && header[offset + i] == ' ') ++i;
  bool any = false;
  for (; i < size && header[offset + i] >= '0' && header[offset + i] <= '7'; ++i) {
    if (value >> 60) return false;
    value = value * 8 + (header[offset + i] - '0');
    any = true;
  }
  for (; i < size; ++i)
    if (header[offset + i] != ' ' && header[offset + i] != '\0') return false;
  return any;
}

}  // namespace

std::vector<TarMember> read_tar_gz(const std::string& path, const std::string& display_name, std::size_t max_bytes) {
  const std::vector<std::uint8_t> data = gunzip(path, display_name, max_bytes);
  std::vector<TarMember> members;
  std::size_t at = 0;
  for (;;) {
    if (at + kBlock > data.size())
      throw FileError(display_name, "tar ends after " + std::to_string(members.size()) + " members without its end-of-archive blocks (truncated?)");
    const std::uint8_t* header = data.data() + at;
    if (std::all_of(header, header + kBlock, [](std::uint8_t b) { return b == 0; })) break;  // end of archive
    const std::string where = "tar header at byte " + std::to_string(at);
    // [spec: POSIX.1 (IEEE Std 1003.1), pax, "ustar Interchange Format"] chksum: the sum of the header's bytes with the chksum field itself read as eight spaces.
    std::uint64_t stored = 0, size = 0, sum = 0;
    for (std::size_t i = 0; i < kBlock; ++i) sum += (i >= 148 && i < 156) ? ' ' : header[i];
    if (!octal(header, 148, 8, stored) || stored != sum) throw FileError(display_name, where + ": bad header checksum, expected a ustar archive");
    std::string name = field(header, 0, 100);
    if (field(header, 257, 5) == "ustar") {
      const std::string prefix = field(header, 345, 155);
      if (!prefix.empty()) name = prefix + "/" + name;
    }
    if (!octal(header, 124, 12, size)) throw FileError(display_name, "member " + name + ": unreadable size field");
    at += kBlock;
    if (size > data.size() - at) throw FileError(display_name, "member " + name + ": " + std::to_string(size) + " bytes announced, the archive ends after " +
                                                               std::to_string(data.size() - at) + " (truncated?)");
    const char type = static_cast<char>(header[156]);
    if (type == '0' || type == '\0') members.push_back({name, std::vector<std::uint8_t>(data.begin() + static_cast<std::ptrdiff_t>(at),
                                                                                            data.begin() + static_cast<std::ptrdiff_t>(at + size))});
    at += (size + kBlock - 1) / kBlock * kBlock;
  }
  return members;
}

}  // namespace lecon
