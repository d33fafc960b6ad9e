// The resume test across processes (CTest regularisation/resume_in_a_fresh_process): nothing but the
// checkpoint file carries the run from one process to the next.
//   resume_process straight <weights>           6 epochs in one piece, the final weights to a file
//   resume_process first <checkpoint>           3 epochs (a piece to be continued), then save_checkpoint
//   resume_process resume <checkpoint> <weights>   fresh objects, load_checkpoint, 3 epochs, the weights
//   resume_process compare <weights> <weights>  prints max |Δw|; exit 0 only if the files are identical
// The weights are written as hexadecimal floats (printf's %a), so the text holds every bit.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "lecon/core/blas_runtime.hpp"
#include "resume_run.hpp"

namespace {

using namespace lecon;

// The case of the in-process test whose run stops in the second piece, restoring weights trained there.
test::ResumeSettings settings() {
  test::ResumeSettings s;
  s.learning_rate = 0.02f;
  s.patience = 1;
  return s;
}

void write_weights(const std::string& path, Sequential<float>& model, const TrainingState& state) {
  std::ofstream out(path);
  out << "epochs " << state.epoch << '\n';
  for (Param<float>* p : model.params()) {
    out << p->name << ' ' << p->value.n_rows << ' ' << p->value.n_cols;
    char text[64];
    for (float w : p->value) {
      std::snprintf(text, sizeof text, " %a", static_cast<double>(w));
      out << text;
    }
    out << '\n';
  }
  if (!out) throw FileError(path, "cannot write the weights");
}

// Every number of a weights file, in order (the epoch count and the shapes included).
std::vector<double> read_numbers(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw FileError(path, "cannot read the weights");
  std::vector<double> numbers;
  std::string word;
  while (in >> word) {
    char* end = nullptr;
    const double value = std::strtod(word.c_str(), &end);
    if (end != word.c_str() && *end == '\0') numbers.push_back(value);
  }
  return numbers;
}

int run(const std::vector<std::string>& args) {
  const std::string mode = args.empty() ? "" : args[0];
  if (mode == "straight" && args.size() == 2) {
    test::ResumeRun run(settings());
    run.train(test::resume_data(), 6, true);
    write_weights(args[1], run.model(), run.state());
    return 0;
  }
  if (mode == "first" && args.size() == 2) {
    test::ResumeRun run(settings());
    run.train(test::resume_data(), 3, false);
    run.save(args[1]);
    return 0;
  }
  if (mode == "resume" && args.size() == 3) {
    test::ResumeRun run(settings(), 99);  // other initial weights: everything must come from the file
    run.load(args[1]);
    run.train(test::resume_data(), 3, true);
    write_weights(args[2], run.model(), run.state());
    return 0;
  }
  if (mode == "compare" && args.size() == 3) {
    const std::vector<double> a = read_numbers(args[1]), b = read_numbers(args[2]);
    if (a.size() != b.size() || a.empty()) {
      std::cout << "the weight files differ in size (" << a.size() << " and " << b.size() << " numbers)\n";
      return 1;
    }
    double worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i) worst = test::worse(worst, std::abs(a[i] - b[i]));
    std::cout << "resumed in a fresh process vs straight: max |dw| = " << worst << " over " << a.size() << " numbers\n";
    return worst == 0 ? 0 : 1;
  }
  std::cerr << "usage: resume_process straight <weights> | first <checkpoint> | resume <checkpoint> <weights> | compare <a> <b>\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  lecon::select_blas_kernel(argc, argv);
  try {
    return run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "resume_process: error: " << e.what() << '\n';
    return 2;
  }
}
