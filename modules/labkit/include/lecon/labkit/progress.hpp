#pragma once
// A progress bar for long loops, on stderr so that it never mixes into the tables on stdout: on a
// terminal, one line redrawn in place with rate and ETA; otherwise (a log, CI) one plain line when the
// loop ends, and one more for every minute a loop runs without a line, so logs stay short.
#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <string>

namespace lecon {

class Progress {
 public:
  Progress(std::string label, std::size_t total, std::string unit = "it");
  ~Progress();  // finishes the line if finish() was not called
  void advance(std::size_t steps = 1);
  // Ends the bar with the total time and rate; `note` is appended (e.g. "loss 0.123").
  void finish(const std::string& note = "");
  void set_note(const std::string& note) { note_ = note; }

  // Seconds without a line after which the log style prints one anyway.
  static constexpr double kLogInterval = 60.0;

  // Whether stderr is a terminal (decides the style).
  static bool stderr_is_terminal();

 private:
  void draw(bool final_line);
  std::string label_, unit_, note_;
  std::size_t total_, done_ = 0;
  bool terminal_, finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace lecon
