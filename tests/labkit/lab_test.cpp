#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <limits>
#include <sstream>

#include "lecon/core/parallel.hpp"
#include "lecon/labkit/lab.hpp"
#include "test_util.hpp"

using namespace lecon;

namespace {

// Runs a LabProgram on the given arguments; returns the exit code, stderr in `err`. configure adds the
// lab's own options (default: --hidden, an int); body runs as the lab's body after recording the context.
int run_lab(std::vector<std::string> args, std::string& err, LabContext* seen = nullptr, bool* ran = nullptr,
            bool has_epochs = true, const std::function<void(LabProgram&)>& configure = nullptr,
            const std::function<void(const LabContext&)>& body = nullptr, std::string* out = nullptr) {
  LabProgram lab("99_test", "a lab for the tests", has_epochs);
  if (configure) configure(lab);
  else lab.options().add_options()("hidden", po::value<int>()->default_value(3), "hidden units");
  std::vector<char*> argv;
  args.insert(args.begin(), "99_test");
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::ostringstream captured_err, captured_out;
  auto* old_err = std::cerr.rdbuf(captured_err.rdbuf());
  auto* old_out = std::cout.rdbuf(captured_out.rdbuf());
  const int code = lab.run(static_cast<int>(args.size()), argv.data(), [&](const LabContext& ctx) {
    if (seen) *seen = ctx;
    if (ran) *ran = true;
    if (body) body(ctx);
    else if (ctx.options.count("hidden") && ctx.options["hidden"].as<int>() < 0) throw OptionError("--hidden: expected a count >= 0");
  });
  std::cerr.rdbuf(old_err);
  std::cout.rdbuf(old_out);
  err = captured_err.str();
  if (out) *out = captured_out.str();
  return code;
}

// Runs the lab on args and requires exit code 2, nothing on stdout, the body not run, and exactly
// "99_test: error: <message>\n" on stderr.
void check_rejected(const std::vector<std::string>& args, const std::string& message,
                    const std::function<void(LabProgram&)>& configure = nullptr) {
  std::string err, out;
  bool ran = false;
  BOOST_TEST(run_lab(args, err, nullptr, &ran, true, configure, nullptr, &out) == 2);
  BOOST_TEST(!ran);
  BOOST_TEST(out.empty(), "stdout: " << out);
  BOOST_TEST(err == "99_test: error: " + message + "\n");
}

// The options of labs 06 and 09, declared with their ranges.
void numeric_lab(LabProgram& lab) {
  lab.real_option("dropout", 0.5, "dropout rate", Range::from_below(0, 1))
     .real_option("l2", 1e-3, "L2 penalty", Range::at_least(0))
     .real_option("lr", 0.01, "learning rate", Range::above(0))
     .real_option("momentum", 0.9, "momentum", Range::from_to(0, 1))
     .count_option("train-limit", 0, "images", Range::at_least(0));
}

// Holds an exclusive flock on <dir>/.lecon-lock, as a running lab does, with `holder` as the file's text.
struct HeldLock {
  HeldLock(const std::string& dir, const std::string& holder) {
    std::filesystem::create_directories(dir);
    fd = ::open((dir + "/" + kOutLockFile).c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
    BOOST_REQUIRE(fd >= 0);
    BOOST_REQUIRE(::write(fd, holder.data(), holder.size()) == static_cast<ssize_t>(holder.size()));
    BOOST_REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
  }
  ~HeldLock() { ::close(fd); }
  int fd = -1;
};

// Whether another open file description can take the lock on <dir>/.lecon-lock now (it is then let go).
bool lock_is_free(const std::string& dir) {
  const int fd = ::open((dir + "/" + kOutLockFile).c_str(), O_RDWR);
  if (fd < 0) return false;
  const bool free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
  ::close(fd);
  return free;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(lab)

BOOST_AUTO_TEST_CASE(comma_lists_keep_their_non_empty_items_in_order) {
  using V = std::vector<std::string>;
  BOOST_TEST((lecon::split_comma_list("basic,rot") == V{"basic", "rot"}));
  BOOST_TEST((lecon::split_comma_list(",a,,b,") == V{"a", "b"}));
  BOOST_TEST(lecon::split_comma_list("").empty());
  BOOST_TEST((lecon::split_comma_list("one") == V{"one"}));
}

BOOST_AUTO_TEST_CASE(an_option_that_must_name_something_rejects_an_empty_list) {
  using V = std::vector<std::string>;
  BOOST_TEST((lecon::nonempty_comma_list("parts", ",a,,b", "one or more of a and b") == V{"a", "b"}));
  for (const std::string empty : {"", ",", ",,"}) {
    try {
      lecon::nonempty_comma_list("parts", empty, "one or more of a and b");
      BOOST_ERROR("'" + empty + "' was accepted");
    } catch (const lecon::OptionError& e) {
      BOOST_TEST(std::string(e.what()) == "--parts: expected one or more of a and b, got '" + empty + "'");
    }
  }
}

BOOST_AUTO_TEST_CASE(common_and_own_options_reach_the_body) {
  test::ScratchDir dir("lab");
  std::string err;
  LabContext ctx;
  const int before = thread_count();
  const int code = run_lab({"--seed", "42", "--threads", "1", "--full", "--epochs", "7", "--hidden", "9", "--out",
                            dir.file("res"), "--data-dir", "/x"}, err, &ctx);
  set_thread_count(before);
  BOOST_TEST(code == 0);
  BOOST_TEST(err.empty());
  BOOST_TEST(ctx.seed == 42u);
  BOOST_TEST(ctx.threads == 1);
  BOOST_TEST(ctx.full);
  BOOST_TEST(ctx.epochs_or(2, 20) == 7);
  BOOST_TEST(ctx.options["hidden"].as<int>() == 9);
  BOOST_TEST(ctx.data_dir == "/x");
  BOOST_TEST(std::filesystem::is_directory(dir.file("res")));  // created for the lab
  BOOST_TEST(ctx.out_path("table") == dir.file("res") + "/99_test_table");
}

BOOST_AUTO_TEST_CASE(defaults_are_quick_mode) {
  test::ScratchDir dir("lab");
  std::string err;
  LabContext ctx;
  BOOST_TEST(run_lab({"--out", dir.file("r")}, err, &ctx) == 0);
  BOOST_TEST(!ctx.full);
  BOOST_TEST(ctx.seed == 1u);
  BOOST_TEST(ctx.epochs_or(2, 20) == 2);
}

BOOST_AUTO_TEST_CASE(bad_options_exit_2_with_one_line) {
  test::ScratchDir dir("lab");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--no-such-option"}, "unrecognised option '--no-such-option'"},
      {{"--seed", "abc"}, "--seed"},
      {{"--threads", "-1"}, "--threads: expected 0 (all cores) or a count from 1 to"},
      {{"--quick", "--full"}, "--quick and --full: choose one"},
      {{"--epochs", "0"}, "--epochs: expected a positive count, got 0"},
      {{"--hidden", "-2", "--out", dir.file("r")}, "--hidden: expected a count >= 0"},
      {{"--out", "/proc/forbidden/results"}, "/proc/forbidden/results: cannot create output directory"},
  };
  for (const auto& [args, expected] : cases) {
    std::string err;
    bool ran = false;
    BOOST_TEST(run_lab(args, err, nullptr, &ran) == 2);
    BOOST_TEST_MESSAGE(err);
    BOOST_TEST(err.rfind("99_test: error: ", 0) == 0u);
    BOOST_TEST(err.find(expected) != std::string::npos, "'" << err << "' lacks '" << expected << "'");
    BOOST_TEST(std::count(err.begin(), err.end(), '\n') == 1);
  }
  std::string err;
  BOOST_TEST(run_lab({"--epochs", "3"}, err, nullptr, nullptr, false) == 2);  // a lab without epochs
}

BOOST_AUTO_TEST_CASE(stray_arguments_are_rejected) {
  // `04_keras_examples --epochs 1 full` silently ran quick mode: Boost dropped the word "full".
  check_rejected({"--epochs", "1", "full"}, "unexpected argument 'full' (options start with --; see --help)");
  check_rejected({"quick"}, "unexpected argument 'quick' (options start with --; see --help)");
}

BOOST_AUTO_TEST_CASE(seeds_must_be_whole_numbers_that_fit) {
  // Boost read "-1" into the uint64 seed as 2^64 - 1.
  check_rejected({"--seed", "-1"}, "--seed: expected a whole number from 0 to 18446744073709551615, got '-1'");
  check_rejected({"--seed", "18446744073709551616"},
                 "--seed: expected a whole number from 0 to 18446744073709551615, got '18446744073709551616'");
  check_rejected({"--seed", "1.5"}, "--seed: expected a whole number from 0 to 18446744073709551615, got '1.5'");
  check_rejected({"--seed", "+7"}, "--seed: expected a whole number from 0 to 18446744073709551615, got '+7'");
  test::ScratchDir dir("lab");
  std::string err;
  LabContext ctx;
  BOOST_TEST(run_lab({"--seed", "18446744073709551615", "--out", dir.file("r")}, err, &ctx) == 0);
  BOOST_TEST(ctx.seed == std::numeric_limits<std::uint64_t>::max());
  BOOST_TEST(run_lab({"--seed", "0", "--out", dir.file("r")}, err, &ctx) == 0);
  BOOST_TEST(ctx.seed == 0u);
}

BOOST_AUTO_TEST_CASE(thread_counts_above_the_hardware_are_rejected) {
  // --threads 100000 silently became OpenBLAS's 64 (2.6x slower on 2 cores).
  const std::string cores = std::to_string(omp_get_num_procs());
  check_rejected({"--threads", "100000"}, "--threads: expected 0 (all cores) or a count from 1 to " + cores +
                                              " (the hardware threads of this machine), got 100000");
  check_rejected({"--threads", std::to_string(omp_get_num_procs() + 1)},
                 "--threads: expected 0 (all cores) or a count from 1 to " + cores + " (the hardware threads of this machine), got " +
                     std::to_string(omp_get_num_procs() + 1));
  test::ScratchDir dir("lab");
  std::string err;
  LabContext ctx;
  const int before = thread_count();
  BOOST_TEST(run_lab({"--threads", cores, "--out", dir.file("r")}, err, &ctx) == 0);
  BOOST_TEST(ctx.threads == omp_get_num_procs());
  set_thread_count(before);
}

BOOST_AUTO_TEST_CASE(numeric_options_are_checked_against_their_range_before_the_body) {
  check_rejected({"--dropout", "1.5"}, "--dropout: expected a number in [0, 1), got 1.5", numeric_lab);
  check_rejected({"--dropout", "1"}, "--dropout: expected a number in [0, 1), got 1", numeric_lab);
  check_rejected({"--dropout", "-0.25"}, "--dropout: expected a number in [0, 1), got -0.25", numeric_lab);
  check_rejected({"--l2", "inf"}, "--l2: expected a finite number >= 0, got inf", numeric_lab);
  check_rejected({"--l2", "nan"}, "--l2: expected a finite number >= 0, got nan", numeric_lab);
  check_rejected({"--l2", "-0.001"}, "--l2: expected a finite number >= 0, got -0.001", numeric_lab);
  check_rejected({"--lr", "0"}, "--lr: expected a finite number > 0, got 0", numeric_lab);
  check_rejected({"--lr", "inf"}, "--lr: expected a finite number > 0, got inf", numeric_lab);
  check_rejected({"--momentum", "1.01"}, "--momentum: expected a number in [0, 1], got 1.01", numeric_lab);
  check_rejected({"--train-limit", "-1"}, "--train-limit: expected a whole number >= 0, got -1", numeric_lab);
  // The bounds themselves, where closed, and the defaults pass; the values reach the body.
  test::ScratchDir dir("lab");
  std::string err;
  LabContext ctx;
  BOOST_TEST(run_lab({"--dropout", "0", "--l2", "0", "--lr", "1e-9", "--momentum", "1", "--train-limit", "0", "--out", dir.file("r")}, err,
                     &ctx, nullptr, true, numeric_lab) == 0);
  BOOST_TEST(err.empty());
  BOOST_TEST(ctx.options["dropout"].as<double>() == 0.0);
  BOOST_TEST(ctx.options["lr"].as<double>() == 1e-9);
  BOOST_TEST(ctx.options["train-limit"].as<int>() == 0);
  BOOST_TEST(run_lab({"--out", dir.file("r")}, err, &ctx, nullptr, true, numeric_lab) == 0);
  BOOST_TEST(ctx.options["dropout"].as<double>() == 0.5);
}

BOOST_AUTO_TEST_CASE(ranges_describe_themselves) {
  BOOST_TEST(Range::from_below(0, 1).contains(0.0));
  BOOST_TEST(!Range::from_below(0, 1).contains(1.0));
  BOOST_TEST(!Range::above(0).contains(0.0));
  BOOST_TEST(Range::above(0).contains(1e-300));
  BOOST_TEST(!Range::at_least(0).contains(std::numeric_limits<double>::infinity()));
  BOOST_TEST(!Range().contains(std::numeric_limits<double>::quiet_NaN()));
  BOOST_TEST(Range().contains(-1e300));
  BOOST_TEST(Range().describe() == "a finite number");
  BOOST_TEST(Range::at_least(1).describe(true) == "a whole number >= 1");
  BOOST_TEST(Range::from_to(1, 64).describe(true) == "a whole number in [1, 64]");
  BOOST_TEST((Range{-1, 1, true, true}.describe() == "a number in (-1, 1)"));
}

BOOST_AUTO_TEST_CASE(lab_checks_and_the_out_option_run_before_anything_is_written) {
  test::ScratchDir dir("lab");
  // A check of the lab's own (add_check) rejects before the output directory is created.
  check_rejected({"--out", dir.file("never")}, "--hidden: the check said no", [](LabProgram& lab) {
    lab.add_check([](const LabContext&) { throw OptionError("--hidden: the check said no"); });
  });
  BOOST_TEST(!std::filesystem::exists(dir.file("never")));
  // --out naming an existing file: rejected, the file untouched.
  test::write_text(dir.file("results.md"), "keep me\n");
  check_rejected({"--out", dir.file("results.md")}, "--out " + dir.file("results.md") + ": expected a directory, but it is a file");
  const auto kept = test::read_all(dir.file("results.md"));
  BOOST_TEST(std::string(kept.begin(), kept.end()) == "keep me\n");
}

BOOST_AUTO_TEST_CASE(a_second_lab_on_the_same_out_directory_is_refused) {
  test::ScratchDir dir("lab");
  const std::string out = dir.file("results");
  {
    // Another lab (here: this test) holds the lock; the file names it.
    HeldLock held(out, "01_neuron 1234\n");
    check_rejected({"--out", out},
                   "--out " + out + ": another lecon lab (01_neuron, pid 1234) is writing there; wait for it or choose another --out");
  }
  {
    // A lock file whose text is not "<name> <pid>" never breaks the one-line message.
    HeldLock held(out, "x\ny z\n");
    check_rejected({"--out", out}, "--out " + out + ": another lecon lab is writing there; wait for it or choose another --out");
  }
  // Free again (the kernel dropped the lock with the descriptor): the lab runs, holds the lock for its
  // whole body with its own name and pid in the file, and lets it go when it returns.
  std::string err, seen_text;
  bool held_during_body = false;
  const int code = run_lab({"--out", out}, err, nullptr, nullptr, true, nullptr, [&](const LabContext&) {
    held_during_body = !lock_is_free(out);
    const auto text = test::read_all(out + "/" + kOutLockFile);
    seen_text.assign(text.begin(), text.end());
  });
  BOOST_TEST(code == 0);
  BOOST_TEST(err.empty());
  BOOST_TEST(held_during_body);
  BOOST_TEST(seen_text == "99_test " + std::to_string(getpid()) + "\n");
  BOOST_TEST(lock_is_free(out));
  // A body that throws lets the lock go too.
  BOOST_TEST(run_lab({"--out", out}, err, nullptr, nullptr, true, nullptr, [](const LabContext&) { throw Error("boom"); }) == 2);
  BOOST_TEST(err == "99_test: error: boom\n");
  BOOST_TEST(lock_is_free(out));
}

BOOST_AUTO_TEST_CASE(help_and_version_exit_0_without_running) {
  std::string err;
  bool ran = false;
  BOOST_TEST(run_lab({"--help"}, err, nullptr, &ran) == 0);
  BOOST_TEST(!ran);
  BOOST_TEST(run_lab({"--version"}, err, nullptr, &ran) == 0);
  BOOST_TEST(!ran);
  BOOST_TEST(version_text("x").find("BLAS: OpenBLAS") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(help_lists_the_files_and_the_readme_and_no_empty_section) {
  // Lab 03 and 05 have no options of their own: their help used to print an empty "Lab options:" header.
  LabProgram bare("99_test", "a lab for the tests", true);
  const std::string bare_help = bare.help();
  BOOST_TEST(bare_help.find("Lab options") == std::string::npos, bare_help);
  BOOST_TEST(bare_help.find("--epochs") != std::string::npos);
  BOOST_TEST(bare_help.find("Files written") == std::string::npos);  // none declared, no header either
  const std::string last_line = "\n\nMore: labs/99_test/README.md\n";
  BOOST_TEST(bare_help.substr(bare_help.size() - last_line.size()) == last_line);

  LabProgram lab("99_test", "a lab for the tests", true);
  lab.real_option("rate", 0.1, "learning rate", Range::above(0));
  lab.writes("summary.{md,csv}", "the table").writes("loss.{png,gp}", "loss per epoch");
  const std::string help = lab.help();
  const std::size_t own = help.find("Lab options:\n  --rate"), files = help.find("Files written into --out (default results/):\n"),
                    readme = help.find("More: labs/99_test/README.md\n");
  BOOST_TEST(own != std::string::npos, help);
  BOOST_TEST(files != std::string::npos, help);
  BOOST_TEST((own < files && files < readme && readme != std::string::npos));
  // Every file with the lab's prefix, its description aligned after the longest name.
  BOOST_TEST(help.find("  99_test_summary.{md,csv}  the table\n") != std::string::npos, help);
  BOOST_TEST(help.find("  99_test_loss.{png,gp}     loss per epoch\n") != std::string::npos, help);
  // --help prints exactly this text.
  std::string err, out;
  BOOST_TEST(run_lab({"--help"}, err, nullptr, nullptr, true, [](LabProgram& l) { l.writes("summary.{md,csv}", "the table"); },
                     nullptr, &out) == 0);
  BOOST_TEST(out.find("  99_test_summary.{md,csv}  the table\n\nMore: labs/99_test/README.md\n") != std::string::npos, out);
  BOOST_TEST(out.find("Lab options") == std::string::npos, out);
}

BOOST_AUTO_TEST_CASE(a_benchmark_points_to_the_results_not_to_a_lab_readme) {
  // bench_cnn's help used to send the reader to labs/bench_cnn/README.md, which does not exist.
  const std::string help = LabProgram("bench_test", "a benchmark for the tests", false).help();
  const std::string last_line = "\n\nMore: benchmarks/RESULTS.md\n";
  BOOST_TEST(help.substr(help.size() - last_line.size()) == last_line, help);
  BOOST_TEST(help.find("labs/bench_test") == std::string::npos, help);
}

BOOST_AUTO_TEST_SUITE_END()
