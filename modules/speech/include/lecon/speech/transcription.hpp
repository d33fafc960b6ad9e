#pragma once
// TIMIT's time-aligned transcriptions: .PHN (phones), .WRD (words) and .TXT (the prompt) (TIMIT's
// readme.doc; docs/speech.md). Times are sample numbers at 16 kHz; a segment covers [begin, end).
//   .PHN / .WRD:  one segment per line, "begin end label", e.g. "0 3050 h#"
//   .TXT:         one line, "begin end text", e.g. "0 46797 She had your dark suit in greasy wash water all year."
#include <cstdint>
#include <string>
#include <vector>

namespace lecon::speech {

struct Segment {
  std::int64_t begin = 0;  // first sample
  std::int64_t end = 0;    // one past the last sample
  std::string label;
};

// Reads a .PHN or .WRD file. Throws FileError naming the file and the line when a line is not three fields
// (two integers and a label), a segment is empty or reversed (end <= begin), starts before the previous
// segment starts or, with `contiguous` (.PHN: phones tile the utterance), does not start where the previous
// one ends, or ends after `sample_count` (when sample_count >= 0: the audio's length).
std::vector<Segment> read_segments(const std::string& path, std::int64_t sample_count = -1, bool contiguous = false);

// Reads a .TXT file: the prompt's text (the first line after its two sample numbers).
std::string read_prompt(const std::string& path);

// Writers, atomic, in TIMIT's layout (one "begin end label" per line; the .TXT line).
void write_segments(const std::string& path, const std::vector<Segment>& segments);
void write_prompt(const std::string& path, std::int64_t begin, std::int64_t end, const std::string& text);

// The label of every frame from its centre sample: frame t covers [t * hop, t * hop + window), so its centre
// is t * hop + window / 2; the label is that of the segment holding the centre ("" where none does).
std::vector<std::string> frame_labels(const std::vector<Segment>& segments, std::size_t frames, std::size_t window, std::size_t hop);

}  // namespace lecon::speech
