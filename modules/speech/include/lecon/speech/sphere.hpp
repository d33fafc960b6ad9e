#pragma once
// NIST SPHERE audio files, the format of TIMIT's .WAV files (NIST's SPHERE package, sphere_2.6 "header
// format"; docs/speech.md).
//
// A file is an ASCII header, then the samples:
//   NIST_1A\n
//      1024\n                         the header's size in bytes (TIMIT: 1024), counting these two lines
//   sample_count -i 46797\n           one field per line: name, type (-i integer, -r real, -sN string of N
//   sample_rate -i 16000\n            characters), value
//   sample_byte_format -s2 01\n       01: little-endian, 10: big-endian
//   ...
//   end_head\n                        then spaces up to the header's size
// TIMIT: one channel, 16-bit linear PCM, 16 kHz. Compressed files (sample_coding "pcm,embedded-shorten-...")
// are refused with a message saying so (sph2pipe decompresses them).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lecon::speech {

struct SphereAudio {
  std::vector<std::int16_t> samples;          // one channel, in time order
  int sample_rate = 0;                        // Hz
  std::map<std::string, std::string> fields;  // every header field as written (name -> value)
};

// Reads a one-channel 16-bit PCM SPHERE file. Throws FileError naming the file and what was wrong: not a
// SPHERE file, a header that does not parse or lacks sample_count / sample_rate, another sample format,
// compression, or a data part whose size differs from what the header promises ("truncated" when shorter).
SphereAudio read_sphere(const std::string& path);

// Writes samples as a TIMIT-style SPHERE file (1024-byte header, little-endian), atomically. `fields`
// adds header fields (e.g. {"database_id", "TIMIT"}), written as strings; sample_count, sample_rate,
// channel_count, sample_n_bytes, sample_byte_format, sample_sig_bits, sample_min and sample_max are
// always written from the data.
void write_sphere(const std::string& path, const std::vector<std::int16_t>& samples, int sample_rate,
                  const std::map<std::string, std::string>& fields = {});

}  // namespace lecon::speech
