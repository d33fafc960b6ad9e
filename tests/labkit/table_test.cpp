#include <boost/test/unit_test.hpp>
#include <sstream>

#include "lecon/labkit/table.hpp"
#include "test_util.hpp"

using namespace lecon;

BOOST_AUTO_TEST_SUITE(table)

Table sample_table() {
  Table t("Test error on MNIST", {"model", "ours %", "lecture %"});
  t.add_row({"logistic regression", "7.52", "7.49"});
  t.add_row({"MLP, 500 tanh", "1.71", "1.65"});
  t.add_note("lecture: DeepLearningTutorials");
  return t;
}

BOOST_AUTO_TEST_CASE(text_is_aligned_with_numbers_to_the_right) {
  std::ostringstream out;
  sample_table().print(out);
  const std::string text = out.str();
  BOOST_TEST(text.find("Test error on MNIST\n") == 0u);
  BOOST_TEST(text.find("logistic regression    7.52       7.49\n") != std::string::npos);
  BOOST_TEST(text.find("MLP, 500 tanh          1.71       1.65\n") != std::string::npos);
  BOOST_TEST(text.find("  lecture: DeepLearningTutorials") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(markdown_and_csv) {
  const Table t = sample_table();
  BOOST_TEST(t.markdown() ==
             "### Test error on MNIST\n\n| model | ours % | lecture % |\n|---|---:|---:|\n"
             "| logistic regression | 7.52 | 7.49 |\n| MLP, 500 tanh | 1.71 | 1.65 |\n\nlecture: DeepLearningTutorials  \n");
  BOOST_TEST(t.csv() == "model,ours %,lecture %\nlogistic regression,7.52,7.49\n\"MLP, 500 tanh\",1.71,1.65\n");
  Table q("q", {"a|b", "say \"hi\""});
  q.add_row({"x|y", "z"});
  BOOST_TEST(q.markdown().find("| a\\|b |") != std::string::npos);
  BOOST_TEST(q.csv().find("\"say \"\"hi\"\"\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(rows_must_fit_and_files_are_written) {
  Table t("t", {"a", "b"});
  test::check_error<Error>([&] { t.add_row({"1"}); }, {"row of 1 cells for 2 columns"});
  test::ScratchDir dir("table");
  sample_table().save(dir.file("errors"));
  const auto md = test::read_all(dir.file("errors.md"));
  const auto csv = test::read_all(dir.file("errors.csv"));
  BOOST_TEST(std::string(md.begin(), md.end()) == sample_table().markdown());
  BOOST_TEST(std::string(csv.begin(), csv.end()) == sample_table().csv());
  test::check_error<FileError>([&] { write_file_atomically(dir.file("no/dir/x.md"), "x"); }, {"x.md", "cannot open"});
  BOOST_TEST(fixed(3.14159, 2) == "3.14");
  BOOST_TEST(fixed(-0.5, 0) == "-0");
}

BOOST_AUTO_TEST_SUITE_END()
