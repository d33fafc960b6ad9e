#include <boost/test/unit_test.hpp>

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
  test::check_error<FileError>([&] { read_csv_dataset(f, "y", "x"); }, {f, "'1e999' is not a number"});
  test::write_text(f, "a,b,y\n1,2,u\n");
  test::check_error<FileError>([&] { read_csv_dataset(f, "Species", "x"); }, {f, "no column named 'Species'"});
  test::write_text(f, "");
  test::check_error<FileError>([&] { read_csv_dataset(f, "y", "x"); }, {f, "empty file"});
  test::write_text(f, "a,b,y\n");
  test::check_error<FileError>([&] { read_csv_numeric(f); }, {f, "no data rows"});
  test::write_text(f, "a,b,y\n1,2,\n");
  test::check_error<FileError>([&] { read_csv_dataset(f, "y", "x"); }, {f, "empty class label"});
}

BOOST_AUTO_TEST_SUITE_END()
