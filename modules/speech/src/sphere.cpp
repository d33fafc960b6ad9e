#include "lecon/speech/sphere.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "lecon/core/atomic_file.hpp"
#include "lecon/core/error.hpp"

namespace lecon::speech {
namespace {

constexpr std::size_t kHeaderSize = 1024;

bool parse_integer(const std::string& text, long long& value) {
  if (text.empty()) return false;
  std::size_t used = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    return false;
  }
  return used == text.size();
}

// The header's fields, from the text after the first two lines up to "end_head".
std::map<std::string, std::string> parse_fields(const std::string& path, const std::string& header) {
  std::map<std::string, std::string> fields;
  std::size_t pos = header.find('\n', header.find('\n') + 1) + 1;
  while (true) {
    const std::size_t end = header.find('\n', pos);
    if (end == std::string::npos) throw FileError(path, "SPHERE header has no end_head line within its " + std::to_string(header.size()) + " bytes");
    const std::string line = header.substr(pos, end - pos);
    pos = end + 1;
    if (line == "end_head") break;
    if (line.empty() || line[0] == ';') continue;  // comments are allowed by the format
    const std::size_t s1 = line.find(' ');
    const std::size_t s2 = s1 == std::string::npos ? s1 : line.find(' ', s1 + 1);
    if (s2 == std::string::npos) throw FileError(path, "SPHERE header line '" + line + "' is not 'name -type value'");
    const std::string name = line.substr(0, s1), type = line.substr(s1 + 1, s2 - s1 - 1), value = line.substr(s2 + 1);
    long long n = 0;
    if (type == "-i") {
      if (!parse_integer(value, n)) throw FileError(path, "SPHERE header field " + name + " is typed -i but holds '" + value + "'");
    } else if (type == "-r") {
      try {
        (void)std::stod(value);
      } catch (const std::exception&) {
        throw FileError(path, "SPHERE header field " + name + " is typed -r but holds '" + value + "'");
      }
    } else if (type.size() > 2 && type[0] == '-' && type[1] == 's' && parse_integer(type.substr(2), n)) {
      if (static_cast<long long>(value.size()) != n)
        throw FileError(path, "SPHERE header field " + name + " is typed " + type + " but its value '" + value + "' has " +
                                  std::to_string(value.size()) + " characters");
    } else {
      throw FileError(path, "SPHERE header field " + name + " has the unknown type '" + type + "' (expected -i, -r or -sN)");
    }
    fields[name] = value;
  }
  return fields;
}

long long integer_field(const std::string& path, const std::map<std::string, std::string>& fields, const std::string& name,
                        long long fallback, bool required) {
  const auto it = fields.find(name);
  if (it == fields.end()) {
    if (required) throw FileError(path, "SPHERE header lacks the field " + name);
    return fallback;
  }
  long long value = 0;
  parse_integer(it->second, value);
  return value;
}

}  // namespace

SphereAudio read_sphere(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(path, std::string("cannot open: ") + std::strerror(errno));
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.compare(0, 8, "NIST_1A\n") != 0) throw FileError(path, "not a NIST SPHERE file (expected 'NIST_1A' on its first line)");
  const std::size_t second_end = bytes.find('\n', 8);
  long long header_size = 0;
  if (second_end == std::string::npos || second_end > 32) throw FileError(path, "SPHERE header size line missing");
  std::string size_text = bytes.substr(8, second_end - 8);
  size_text.erase(0, size_text.find_first_not_of(' '));
  if (!parse_integer(size_text, header_size) || header_size < 16)
    throw FileError(path, "SPHERE header size '" + bytes.substr(8, second_end - 8) + "' is not a number of bytes >= 16");
  if (static_cast<std::size_t>(header_size) > bytes.size())
    throw FileError(path, "truncated: the SPHERE header claims " + std::to_string(header_size) + " bytes, the file holds " + std::to_string(bytes.size()));
  SphereAudio audio;
  audio.fields = parse_fields(path, bytes.substr(0, static_cast<std::size_t>(header_size)));
  const auto coding = audio.fields.find("sample_coding");
  if (coding != audio.fields.end() && coding->second != "pcm") {
    if (coding->second.find("shorten") != std::string::npos)
      throw FileError(path, "shorten-compressed SPHERE data (sample_coding " + coding->second + "); decompress it first (sph2pipe -f sph)");
    throw FileError(path, "SPHERE sample_coding '" + coding->second + "' is not supported (expected pcm)");
  }
  const long long count = integer_field(path, audio.fields, "sample_count", 0, true);
  const long long rate = integer_field(path, audio.fields, "sample_rate", 0, true);
  const long long channels = integer_field(path, audio.fields, "channel_count", 1, false);
  const long long bytes_per_sample = integer_field(path, audio.fields, "sample_n_bytes", 2, false);
  if (channels != 1) throw FileError(path, "SPHERE file has " + std::to_string(channels) + " channels (expected 1)");
  if (bytes_per_sample != 2) throw FileError(path, "SPHERE samples of " + std::to_string(bytes_per_sample) + " bytes (expected 2: 16-bit PCM)");
  if (count < 0 || rate <= 0) throw FileError(path, "SPHERE header gives sample_count " + std::to_string(count) + " and sample_rate " + std::to_string(rate));
  const auto order_it = audio.fields.find("sample_byte_format");
  const std::string order = order_it == audio.fields.end() ? "01" : order_it->second;
  if (order != "01" && order != "10") throw FileError(path, "SPHERE sample_byte_format '" + order + "' (expected 01 or 10)");
  const std::size_t data_bytes = bytes.size() - static_cast<std::size_t>(header_size);
  const std::size_t promised = static_cast<std::size_t>(count) * 2;
  if (data_bytes < promised)
    throw FileError(path, "truncated: the SPHERE header promises " + std::to_string(count) + " samples (" + std::to_string(promised) +
                              " bytes), the file holds " + std::to_string(data_bytes) + " bytes after its header");
  if (data_bytes > promised)
    throw FileError(path, "the SPHERE header promises " + std::to_string(count) + " samples (" + std::to_string(promised) + " bytes) but " +
                              std::to_string(data_bytes) + " bytes follow it");
  audio.sample_rate = static_cast<int>(rate);
  audio.samples.resize(static_cast<std::size_t>(count));
  const unsigned char* data = reinterpret_cast<const unsigned char*>(bytes.data()) + header_size;
  const bool little = order == "01";
  for (std::size_t i = 0; i < audio.samples.size(); ++i) {
    const unsigned lo = data[2 * i + (little ? 0 : 1)], hi = data[2 * i + (little ? 1 : 0)];
    audio.samples[i] = static_cast<std::int16_t>(static_cast<std::uint16_t>(lo | (hi << 8)));
  }
  return audio;
}

void write_sphere(const std::string& path, const std::vector<std::int16_t>& samples, int sample_rate,
                  const std::map<std::string, std::string>& fields) {
  if (sample_rate <= 0) throw Error("write_sphere " + path + ": sample rate " + std::to_string(sample_rate) + " (expected > 0)");
  std::ostringstream header;
  header << "NIST_1A\n   " << kHeaderSize << "\n";
  static const std::vector<std::string> from_data = {"sample_count", "sample_rate", "channel_count", "sample_n_bytes",
                                                     "sample_byte_format", "sample_sig_bits", "sample_min", "sample_max"};
  for (const auto& [name, value] : fields) {
    if (std::find(from_data.begin(), from_data.end(), name) != from_data.end()) continue;
    if (name.empty() || name.find_first_of(" \n") != std::string::npos || value.find('\n') != std::string::npos)
      throw Error("write_sphere " + path + ": header field '" + name + "' must be one word with a one-line value");
    header << name << " -s" << value.size() << " " << value << "\n";
  }
  const int lo = samples.empty() ? 0 : *std::min_element(samples.begin(), samples.end());
  const int hi = samples.empty() ? 0 : *std::max_element(samples.begin(), samples.end());
  header << "sample_count -i " << samples.size() << "\nsample_rate -i " << sample_rate << "\nchannel_count -i 1\n"
         << "sample_n_bytes -i 2\nsample_byte_format -s2 01\nsample_sig_bits -i 16\nsample_min -i " << lo << "\nsample_max -i " << hi
         << "\nend_head\n";
  std::string text = header.str();
  if (text.size() > kHeaderSize) throw Error("write_sphere " + path + ": header fields exceed " + std::to_string(kHeaderSize) + " bytes");
  text.resize(kHeaderSize, ' ');
  std::vector<unsigned char> data(2 * samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const auto u = static_cast<std::uint16_t>(samples[i]);
    data[2 * i] = static_cast<unsigned char>(u & 0xff);
    data[2 * i + 1] = static_cast<unsigned char>(u >> 8);
  }
  save_file_atomically(path, {{text.data(), text.size()}, {data.data(), data.size()}});
}

}  // namespace lecon::speech
