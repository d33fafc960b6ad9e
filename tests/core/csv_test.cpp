#include <boost/test/unit_test.hpp>

#include "core/error_message.hpp"
#include "lecon/core/loaders.hpp"
#include "test_util.hpp"

using namespace lecon;

BOOST_AUTO_TEST_SUITE(csv)

BOOST_AUTO_TEST_CASE(reads_features_and_sorted_class_levels) {
  test::ScratchDir dir("csv");
  const std::string f = dir.file("flowers.csv");
  test::write_text(f, "a,b,Species\n1.5,2,virginica\r\n\n-3e-1, 4 ,setosa\n\"7\",8,virginica\n");
  const Dataset d = read_csv_dataset(f, "Species", "flowers");
  BOOST_TEST(d.x.shape().str() == "(3, 2)");
  BOOST_TEST(d.class_names == (std::vector<std::string>{"setosa", "virginica"}));
  BOOST_TEST(arma::all(d.y == arma::uvec{1, 0, 1}));
  BOOST_TEST(d.x.at(1, 0) == -0.3f);
  BOOST_TEST(d.x.at(2, 0) == 7.0f);
  BOOST_TEST(d.feature_names == (std::vector<std::string>{"a", "b"}));
  test::write_text(dir.file("n.csv"), "x,y\n1,2\n3,4.5\n");
  const CsvTable t = read_csv_numeric(dir.file("n.csv"));
  BOOST_TEST(t.columns == (std::vector<std::string>{"x", "y"}));
  BOOST_TEST(t.values(1, 1) == 4.5);
}

BOOST_AUTO_TEST_CASE(the_committed_iris_file_is_fishers_iris) {
  const char* data_dir = std::getenv("LECON_DATA_DIR");
  BOOST_REQUIRE_MESSAGE(data_dir, "LECON_DATA_DIR is set by CTest");
  const Dataset iris = read_csv_dataset(std::string(data_dir) + "/iris.csv", "Species", "iris");
  BOOST_TEST(iris.size() == 150u);
  BOOST_TEST(arma::all(iris.class_counts() == arma::uvec{50, 50, 50}));
  // R: colMeans(iris[1:4]) = 5.843333 3.057333 3.758000 1.199333
  const arma::vec means = arma::mean(arma::conv_to<arma::mat>::from(iris.x.matrix()), 1);
  BOOST_TEST(std::abs(means[0] - 5.843333) < 1e-5);
  BOOST_TEST(std::abs(means[2] - 3.758) < 1e-5);
  BOOST_TEST(std::abs(means[3] - 1.199333) < 1e-5);
}

BOOST_AUTO_TEST_CASE(bad_csv_files_name_the_line_and_column) {
  test::ScratchDir dir("csv");
  const std::string f = dir.file("bad.csv");
  test::check_error<FileError>([&] { read_csv_dataset(dir.file("nope.csv"), "y", "x"); }, {"nope.csv", "file not found"});
  test::write_text(f, "a,b,y\n1,2,u\n3,v\n");
  test::check_error<FileError>([&] { read_csv_dataset(f, "y", "x"); }, {f, "line 3: expected 3 fields, found 2"});
  test::write_text(f, "a,b,y\n1,2,u\n3,abc,v\n");
  test::check_error<FileError>([&] { read_csv_dataset(f, "y", "x"); }, {f, "line 3, column 'b': 'abc' is not a number"});
  test::write_text(f, "a,b,y\n1,,u\n");
  test::check_error<FileError>([&] { read_csv_dataset(f, "y", "x"); }, {f, "line 2, column 'b': empty field"});
  test::write_text(f, "a,b,y\n1,nan,u\n");
  test::check_error<FileError>([&] { read_csv_dataset(f, "y", "x"); }, {f, "'nan' is not a finite number"});
  test::write_text(f, "a,b,y\n1,1e999,u\n");
  test::check_message<FileError>([&] { read_csv_dataset(f, "y", "x"); },
                                 f + ": line 2, column 'b': 1e999 is out of float range, expected a magnitude of at most 3.40282e+38");
  test::write_text(f, "a,b,y\n1,2,u\n");
  test::check_error<FileError>([&] { read_csv_dataset(f, "Species", "x"); }, {f, "no column named 'Species'"});
  test::write_text(f, "");
  test::check_error<FileError>([&] { read_csv_dataset(f, "y", "x"); }, {f, "empty file"});
  test::write_text(f, "a,b,y\n");
  test::check_error<FileError>([&] { read_csv_numeric(f); }, {f, "no data rows"});
  test::write_text(f, "a,b,y\n1,2,\n");
  test::check_error<FileError>([&] { read_csv_dataset(f, "y", "x"); }, {f, "empty class label"});
}

// Issue 9: 1e300 fits a double but not lecon::Real (float); it was reported later as NaN/inf of the whole split.
BOOST_AUTO_TEST_CASE(values_beyond_float_range_are_reported_at_their_line_and_column) {
  test::ScratchDir dir("csv");
  const std::string f = dir.file("big.csv");
  test::write_text(f, "a,b,y\n1,2,u\n3,-1e300,v\n");
  test::check_message<FileError>([&] { read_csv_dataset(f, "y", "x"); },
                                 f + ": line 3, column 'b': -1e300 is out of float range, expected a magnitude of at most 3.40282e+38");
  test::write_text(f, "a,b,y\n1,3.4e38,u\n");  // just below FLT_MAX: kept
  BOOST_TEST(read_csv_dataset(f, "y", "x").x.at(0, 1) == 3.4e38f);
  // read_csv_numeric keeps doubles: 1e300 is fine there, 1e999 is not.
  test::write_text(f, "a,b\n1,1e300\n");
  BOOST_TEST(read_csv_numeric(f).values(0, 1) == 1e300);
  test::write_text(f, "a,b\n1,1e999\n");
  test::check_message<FileError>([&] { read_csv_numeric(f); },
                                 f + ": line 2, column 'b': 1e999 is out of double range, expected a magnitude of at most 1.79769e+308");
}

// Issue 9: strtod reports ERANGE on underflow too; 1e-400 is a valid number whose nearest value is 0.
BOOST_AUTO_TEST_CASE(underflow_is_read_as_the_nearest_representable_value) {
  test::ScratchDir dir("csv");
  const std::string f = dir.file("tiny.csv");
  test::write_text(f, "a,b,y\n1e-400,-1e-400,u\n1e-40,2,v\n");
  const Dataset d = read_csv_dataset(f, "y", "x");
  BOOST_TEST(d.x.at(0, 0) == 0.0f);
  BOOST_TEST(d.x.at(0, 1) == 0.0f);
  BOOST_TEST(std::abs(d.x.at(1, 0) - 1e-40f) < 1e-44f);  // a float subnormal
  BOOST_TEST(d.x.at(1, 0) > 0.0f);
  test::write_text(f, "a\n1e-310\n");
  BOOST_TEST(std::abs(read_csv_numeric(f).values(0, 0) - 1e-310) < 1e-320);  // a double subnormal
  double value = -1;
  BOOST_TEST(parse_finite_number("1e-400", value));
  BOOST_TEST(value == 0.0);
  BOOST_TEST(!parse_finite_number("1e999", value));
  BOOST_TEST(!parse_finite_number("inf", value));
}

// Issue 9: a UTF-8 byte order mark (as spreadsheet programs write) made the first column "\xEF\xBB\xBFa".
BOOST_AUTO_TEST_CASE(a_byte_order_mark_before_the_header_is_ignored) {
  test::ScratchDir dir("csv");
  const std::string f = dir.file("bom.csv");
  test::write_text(f, "\xEF\xBB\xBFSepal.Length,Species\n5.1,setosa\n");
  const Dataset d = read_csv_dataset(f, "Species", "iris");
  BOOST_TEST(d.feature_names == (std::vector<std::string>{"Sepal.Length"}));
  BOOST_TEST(d.x.at(0, 0) == 5.1f);
  test::write_text(f, "\xEF\xBB\xBFSpecies,Sepal.Length\nsetosa,5.1\n");  // the label column first
  BOOST_TEST(read_csv_dataset(f, "Species", "iris").class_names == (std::vector<std::string>{"setosa"}));
  BOOST_TEST(read_csv_text(f).header[0] == "Species");
}

BOOST_AUTO_TEST_CASE(a_directory_is_not_reported_as_missing) {
  test::ScratchDir dir("csv");
  const std::string folder = dir.path().string();
  test::check_message<FileError>([&] { read_csv_dataset(folder, "Species", "x"); }, folder + ": is a directory, expected a file");
  test::check_message<FileError>([&] { read_csv_numeric(folder); }, folder + ": is a directory, expected a file");
  test::check_message<FileError>([&] { read_csv_text(dir.file("none.csv")); }, dir.file("none.csv") + ": file not found");
}

// Issue 9: a CSV with only the label column gave a data set of 0 features.
BOOST_AUTO_TEST_CASE(a_label_column_alone_is_refused) {
  test::ScratchDir dir("csv");
  const std::string f = dir.file("labels.csv");
  test::write_text(f, "Species\nsetosa\nvirginica\n");
  test::check_message<FileError>([&] { read_csv_dataset(f, "Species", "x"); },
                                 f + ": no feature columns besides 'Species', expected at least one numeric column");
}

BOOST_AUTO_TEST_SUITE_END()
