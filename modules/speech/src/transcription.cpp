#include "lecon/speech/transcription.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "lecon/core/atomic_file.hpp"
#include "lecon/core/error.hpp"

namespace lecon::speech {
namespace {

bool whole_integer(const std::string& text, std::int64_t& value) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 15) return false;
  value = std::stoll(text);
  return true;
}

std::string where(const std::string& path, std::size_t line) { return path + ":" + std::to_string(line); }

}  // namespace

std::vector<Segment> read_segments(const std::string& path, std::int64_t sample_count, bool contiguous) {
  std::ifstream in(path);
  if (!in) throw FileError(path, std::string("cannot open: ") + std::strerror(errno));
  std::vector<Segment> segments;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::istringstream fields(line);
    std::string b, e, label, extra;
    fields >> b >> e >> label;
    Segment s;
    if (label.empty() || (fields >> extra) || !whole_integer(b, s.begin) || !whole_integer(e, s.end))
      throw FileError(where(path, number), "expected 'begin end label' (two sample numbers and a label), found '" + line + "'");
    s.label = label;
    if (s.end <= s.begin)
      throw FileError(where(path, number), "segment '" + label + "' ends at sample " + e + ", not after its start " + b);
    if (!segments.empty()) {
      const Segment& previous = segments.back();
      if (s.begin < previous.begin)
        throw FileError(where(path, number), "segment '" + label + "' starts at sample " + b + ", before the previous one (" +
                                                 std::to_string(previous.begin) + "): segments out of order");
      if (contiguous && s.begin != previous.end)
        throw FileError(where(path, number), "segment '" + label + "' starts at sample " + b + " where the previous one ends at " +
                                                 std::to_string(previous.end) + " (phones must tile the utterance)");
    }
    if (sample_count >= 0 && s.end > sample_count)
      throw FileError(where(path, number), "segment '" + label + "' ends at sample " + e + ", past the audio's " +
                                               std::to_string(sample_count) + " samples");
    segments.push_back(s);
  }
  if (segments.empty()) throw FileError(path, "no segments (expected lines 'begin end label')");
  return segments;
}

std::string read_prompt(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw FileError(path, std::string("cannot open: ") + std::strerror(errno));
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::istringstream fields(line);
  std::string b, e;
  std::int64_t begin = 0, end = 0;
  fields >> b >> e;
  if (!whole_integer(b, begin) || !whole_integer(e, end)) throw FileError(path, "expected 'begin end text' on the first line, found '" + line + "'");
  std::string text;
  std::getline(fields, text);
  const std::size_t first = text.find_first_not_of(' ');
  return first == std::string::npos ? std::string() : text.substr(first);
}

void write_segments(const std::string& path, const std::vector<Segment>& segments) {
  std::ostringstream out;
  for (const Segment& s : segments) out << s.begin << ' ' << s.end << ' ' << s.label << '\n';
  const std::string text = out.str();
  save_file_atomically(path, {{text.data(), text.size()}});
}

void write_prompt(const std::string& path, std::int64_t begin, std::int64_t end, const std::string& text) {
  const std::string line = std::to_string(begin) + ' ' + std::to_string(end) + ' ' + text + '\n';
  save_file_atomically(path, {{line.data(), line.size()}});
}

std::vector<std::string> frame_labels(const std::vector<Segment>& segments, std::size_t frames, std::size_t window, std::size_t hop) {
  std::vector<std::string> labels(frames);
  std::size_t k = 0;
  for (std::size_t t = 0; t < frames; ++t) {
    const auto centre = static_cast<std::int64_t>(t * hop + window / 2);
    while (k < segments.size() && segments[k].end <= centre) ++k;
    if (k < segments.size() && segments[k].begin <= centre) labels[t] = segments[k].label;
  }
  return labels;
}

}  // namespace lecon::speech
