#include "lecon/labkit/progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <sstream>

namespace lecon {
namespace {

std::string clock_text(double seconds) {
  if (!(seconds >= 0) || seconds > 1e7) return "--:--";
  const long s = static_cast<long>(seconds + 0.5);
  char text[32];
  if (s >= 3600) std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else std::snprintf(text, sizeof text, "%02ld:%02ld", s / 60, s % 60);
  return text;
}

}  // namespace

bool Progress::stderr_is_terminal() { return isatty(fileno(stderr)) != 0; }

Progress::Progress(std::string label, std::size_t total, std::string unit)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total), terminal_(stderr_is_terminal()),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

Progress::~Progress() {
  if (!finished_ && done_ > 0) finish();
}

void Progress::advance(std::size_t steps) {
  done_ += steps;
  const auto now = std::chrono::steady_clock::now();
  const double since_draw = std::chrono::duration<double>(now - last_draw_).count();
  if (terminal_) {
    if (since_draw >= 0.1) draw(false);
  } else if (since_draw >= kLogInterval) {
    draw(false);  // a long phase in a log: a sign of life now and then, not a line per tenth
  }
}

void Progress::finish(const std::string& note) {
  if (finished_) return;
  if (!note.empty()) note_ = note;
  draw(true);
  finished_ = true;
}

void Progress::draw(bool final_line) {
  const auto now = std::chrono::steady_clock::now();
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? done_ / elapsed : 0.0;
  const double eta = rate > 0 && total_ >= done_ ? (total_ - done_) / rate : -1.0;
  std::ostringstream line;
  line << label_ << ' ';
  if (terminal_) {
    const int width = 30;
    const int filled = total_ ? static_cast<int>(width * std::min(done_, total_) / total_) : width;
    line << '[' << std::string(filled, '#') << std::string(width - filled, '.') << "] ";
  }
  line << done_ << '/' << total_ << ' ' << unit_ << ", ";
  char rate_text[32];
  std::snprintf(rate_text, sizeof rate_text, rate >= 100 ? "%.0f" : "%.2f", rate);
  line << rate_text << ' ' << unit_ << "/s, " << (final_line ? "took " + clock_text(elapsed) : "ETA " + clock_text(eta));
  if (!note_.empty()) line << ", " << note_;
  std::cout.flush();  // what the lab printed before comes first, also when stdout and stderr share a log
  if (terminal_) std::cerr << '\r' << line.str() << "\033[K" << (final_line ? "\n" : "") << std::flush;
  else std::cerr << line.str() << '\n' << std::flush;
}

}  // namespace lecon
