#include <boost/test/unit_test.hpp>
#include <sstream>

#include "lecon/core/parallel.hpp"
#include "lecon/labkit/lab.hpp"
#include "test_util.hpp"

using namespace lecon;

namespace {

// Runs a LabProgram on the given arguments; returns the exit code, stderr in `err`.
int run_lab(std::vector<std::string> args, std::string& err, LabContext* seen = nullptr, bool* ran = nullptr,
            bool has_epochs = true) {
  LabProgram lab("99_test", "a lab for the tests", has_epochs);
  lab.options().add_options()("hidden", po::value<int>()->default_value(3), "hidden units");
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
    if (ctx.options["hidden"].as<int>() < 0) throw OptionError("--hidden: expected a count >= 0");
  });
  std::cerr.rdbuf(old_err);
  std::cout.rdbuf(old_out);
  err = captured_err.str();
  return code;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(lab)

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
      {{"--threads", "-1"}, "--threads: expected 0 (all cores) or a positive count, got -1"},
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

BOOST_AUTO_TEST_CASE(help_and_version_exit_0_without_running) {
  std::string err;
  bool ran = false;
  BOOST_TEST(run_lab({"--help"}, err, nullptr, &ran) == 0);
  BOOST_TEST(!ran);
  BOOST_TEST(run_lab({"--version"}, err, nullptr, &ran) == 0);
  BOOST_TEST(!ran);
  BOOST_TEST(version_text("x").find("BLAS: OpenBLAS") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
