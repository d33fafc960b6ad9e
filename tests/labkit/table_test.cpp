#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <sstream>

#include "file_size_limit.hpp"
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

// A table computed on stand-in or re-encoded data says so in all three forms; the CSV, which has no title and no
// notes, on every row.
BOOST_AUTO_TEST_CASE(a_data_label_reaches_every_csv_row_and_the_notes) {
  Table t = sample_table();
  t.set_data_label("CIFAR-10, JPEG q75 re-encoding");
  BOOST_TEST(t.csv() == "model,ours %,lecture %,data\nlogistic regression,7.52,7.49,\"CIFAR-10, JPEG q75 re-encoding\"\n"
                        "\"MLP, 500 tanh\",1.71,1.65,\"CIFAR-10, JPEG q75 re-encoding\"\n");
  BOOST_TEST(t.markdown().find("\n\ndata: CIFAR-10, JPEG q75 re-encoding  \nlecture: DeepLearningTutorials  \n") != std::string::npos);
  std::ostringstream out;
  t.print(out);
  BOOST_TEST(out.str().find("  data: CIFAR-10, JPEG q75 re-encoding\n  lecture: DeepLearningTutorials\n") != std::string::npos);
  // Without notes, the Markdown still separates the label from the table.
  Table bare("b", {"x"});
  bare.add_row({"1"});
  bare.set_data_label("STAND-IN");
  BOOST_TEST(bare.markdown() == "### b\n\n| x |\n|---:|\n| 1 |\n\ndata: STAND-IN  \n");
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
  test::check_error<FileError>([&] { write_file_atomically(dir.file("no/dir/x.md"), "x"); }, {"x.md: cannot save: directory ", "no/dir: No such file or directory"});
  BOOST_TEST(fixed(3.14159, 2) == "3.14");
  BOOST_TEST(fixed(-0.5, 0) == "-0");
}

std::string file_text(const std::string& path) {
  const auto bytes = test::read_all(path);
  return std::string(bytes.begin(), bytes.end());
}

// The names in dir, sorted: a failed write must leave no temporary file behind.
std::vector<std::string> names_in(const test::ScratchDir& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

BOOST_AUTO_TEST_CASE(a_failed_write_keeps_the_old_file_and_leaves_no_half_file) {
  test::ScratchDir dir("table");
  sample_table().save(dir.file("errors"));
  const std::string old_md = file_text(dir.file("errors.md"));
  Table big("big", {"a"});
  for (int i = 0; i < 200; ++i) big.add_row({std::to_string(i)});
  std::string table_error, text_error;
  {
    test::FileSizeLimit full(64);  // the disk fills after 64 bytes of any file
    table_error = test::error_of([&] { big.save(dir.file("errors")); });
    text_error = test::error_of([&] { write_file_atomically(dir.file("fresh.txt"), std::string(1000, 'x')); });
  }
  BOOST_TEST(table_error == dir.file("errors.md") + ": cannot save (write failed): File too large; the previous file, if any, is unchanged");
  BOOST_TEST(text_error == dir.file("fresh.txt") + ": cannot save (write failed): File too large; the previous file, if any, is unchanged");
  BOOST_TEST(file_text(dir.file("errors.md")) == old_md);  // the old table, whole
  BOOST_TEST(names_in(dir) == (std::vector<std::string>{"errors.csv", "errors.md"}), "left: " << names_in(dir).size());
}

BOOST_AUTO_TEST_CASE(a_directory_under_the_name_is_refused_and_no_temporary_file_is_left) {
  test::ScratchDir dir("table");
  std::filesystem::create_directories(dir.file("taken/inside"));  // a non-empty directory under the file's name
  const std::string error = test::error_of([&] { write_file_atomically(dir.file("taken"), "text"); });
  BOOST_TEST(error == dir.file("taken") + ": cannot save: it is a directory");
  BOOST_TEST(names_in(dir) == std::vector<std::string>{"taken"});
}

BOOST_AUTO_TEST_SUITE_END()
