#include <boost/test/unit_test.hpp>
#include <chrono>

#include "lecon/core/data_store.hpp"
#include "lecon/core/hdf5_io.hpp"
#include "test_util.hpp"

using namespace lecon;

namespace {

std::string data_dir() {
  const char* dir = std::getenv("LECON_DATA_DIR");
  return dir ? dir : "data";
}

struct MnistPresent {
  boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
    boost::test_tools::assertion_result present(std::filesystem::exists(data_file(data_dir(), "mnist")));
    present.message() << data_file(data_dir(), "mnist") << " not converted yet (make data)";
    return present;
  }
};

Dataset tiny_images(std::size_t n, const std::string& name) {
  Dataset d;
  d.name = name;
  d.x = Tensor<Real>(Shape{n, 1, 2, 3});
  for (std::size_t i = 0; i < d.x.size(); ++i) d.x.data()[i] = Real(i % 256) / 255;
  d.y = arma::regspace<arma::uvec>(0, n - 1) .transform([](arma::uword v) { return v % 2; });
  d.class_names = {"even", "odd"};
  return d;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(data_store)

BOOST_AUTO_TEST_CASE(pixel_splits_round_trip_exactly) {
  test::ScratchDir dir("store");
  DataSplit split{tiny_images(5, "toy/train"), tiny_images(3, "toy/test"), "unit test"};
  save_data(dir.file("toy.h5"), split, true);
  const DataSplit back = load_data(dir.path().string(), "toy");
  BOOST_TEST(back.source == "unit test");
  BOOST_TEST(back.train.x.shape().str() == "(5, 1, 2, 3)");
  BOOST_TEST(arma::approx_equal(back.train.x.matrix(), split.train.x.matrix(), "absdiff", 0.0f));  // bit for bit
  BOOST_TEST(arma::all(back.test.y == split.test.y));
  BOOST_TEST(back.train.class_names == split.train.class_names);
  // What h5py sees: uint8 pixels of shape (n, c, h, w).
  const H5Reader raw(dir.file("toy.h5"));
  Shape s;
  BOOST_TEST(raw.read_bytes("/train/x", s)[7] == 7);
  BOOST_TEST(s.str() == "(5, 1, 2, 3)");
}

BOOST_AUTO_TEST_CASE(feature_splits_keep_floats_and_names) {
  test::ScratchDir dir("store");
  Dataset d;
  d.name = "tab";
  d.x = Tensor<Real>(Shape{2, 3});
  d.x.at(1, 2) = -4.25f;
  d.y = {1, 0};
  d.class_names = {"a", "b"};
  d.feature_names = {"f1", "f2", "f3"};
  save_data(dir.file("tab.h5"), DataSplit{d, d, "s"}, false);
  const DataSplit back = load_data(dir.path().string(), "tab");
  BOOST_TEST(back.test.x.at(1, 2) == -4.25f);
  BOOST_TEST(back.train.feature_names[2] == "f3");
}

BOOST_AUTO_TEST_CASE(missing_or_inconsistent_files_are_explained) {
  test::ScratchDir dir("store");
  test::check_error<FileError>([&] { load_data(dir.path().string(), "mnist"); }, {"mnist.h5", "make data"});
  // Labels that do not fit the class names stored with them.
  {
    H5Writer w(dir.file("broken.h5"));
    w.write("/train/x", Tensor<float>(Shape{2, 2}));
    w.write_labels("/train/y", arma::uvec{0, 5});
    w.write("/test/x", Tensor<float>(Shape{1, 2}));
    w.write_labels("/test/y", arma::uvec{0});
    w.set_attribute("/", "class_names", std::vector<std::string>{"a", "b"});
    w.commit();
  }
  test::check_error<FileError>([&] { load_data(dir.path().string(), "broken"); }, {"broken.h5", "label 5 of sample 1"});
  // Saving refuses NaN.
  Dataset bad = tiny_images(2, "bad");
  bad.x.at(0, 0, 1, 1) = std::numeric_limits<Real>::quiet_NaN();
  test::check_error<Error>([&] { save_data(dir.file("bad.h5"), DataSplit{bad, bad, ""}, true); }, {"NaN"});
  BOOST_TEST(!std::filesystem::exists(dir.file("bad.h5")));
}

BOOST_AUTO_TEST_CASE(real_mnist_is_complete_and_loads_fast, *boost::unit_test::precondition(MnistPresent())) {
  const auto start = std::chrono::steady_clock::now();
  const DataSplit mnist = load_data(data_dir(), "mnist");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST_MESSAGE("MNIST from HDF5 in " << seconds << " s");
  BOOST_TEST(mnist.train.x.shape().str() == "(60000, 1, 28, 28)");
  BOOST_TEST(mnist.test.x.shape().str() == "(10000, 1, 28, 28)");
  // The published class counts of the MNIST training and test sets.
  BOOST_TEST(arma::all(mnist.train.class_counts() == arma::uvec{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}));
  BOOST_TEST(arma::all(mnist.test.class_counts() == arma::uvec{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}));
  BOOST_TEST(mnist.train.y[0] == 5u);  // the famous first digit
  BOOST_TEST(std::abs(arma::mean(arma::conv_to<arma::vec>::from(arma::vectorise(mnist.train.x.matrix()))) - 0.1307) < 1e-4);
}

BOOST_AUTO_TEST_SUITE_END()
