#include <boost/test/unit_test.hpp>
#include <chrono>

#include "core/error_message.hpp"
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
  d.y.set_size(n);
  for (std::size_t i = 0; i < n; ++i) d.y[i] = i % 2;
  d.class_names = {"even", "odd"};
  return d;
}

// A float part of n samples of 2 features (sample i holds i, i + 0.5) with labels i % 2.
void write_float_part(H5Writer& file, const std::string& group, std::size_t n) {
  Tensor<float> x(Shape{n, 2});
  for (std::size_t i = 0; i < n; ++i) x.at(i, 0) = float(i), x.at(i, 1) = float(i) + 0.5f;
  file.write(group + "/x", x);
  arma::uvec y(n);
  for (std::size_t i = 0; i < n; ++i) y[i] = i % 2;
  file.write_labels(group + "/y", y);
}

// Writes <path> as another program (or an older converter) might: `fill` writes both parts, then
// class_names {"a", "b"} are added unless class_names is false.
void write_store(const std::string& path, const std::function<void(H5Writer&)>& fill, bool class_names = true) {
  H5Writer file(path);
  fill(file);
  if (class_names) file.set_attribute("/", "class_names", std::vector<std::string>{"a", "b"});
  file.commit();
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

BOOST_AUTO_TEST_CASE(a_valid_part_is_written_and_read_when_present) {
  test::ScratchDir dir("store");
  DataSplit split{tiny_images(5, "toy/train"), tiny_images(3, "toy/test"), "unit test"};
  BOOST_TEST(!split.has_valid());
  save_data(dir.file("plain.h5"), split, true);
  BOOST_TEST(!H5Reader(dir.file("plain.h5")).exists("/valid"));
  BOOST_TEST(!load_data(dir.path().string(), "plain").has_valid());
  split.valid = tiny_images(2, "toy/valid");
  save_data(dir.file("toy.h5"), split, true);
  const DataSplit back = load_data(dir.path().string(), "toy");
  BOOST_TEST(back.has_valid());
  BOOST_TEST(back.valid.name == "toy/valid");
  BOOST_TEST(arma::approx_equal(back.valid.x.matrix(), split.valid.x.matrix(), "absdiff", 0.0f));
  BOOST_TEST(arma::all(back.valid.y == split.valid.y));
  split.valid.class_names = {"odd", "even"};
  test::check_message<FileError>([&] { save_data(dir.file("bad.h5"), split, true); },
                                 dir.file("bad.h5") + ": cannot save: train and valid have different class names (one list is stored for both)");
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
  test::check_message<FileError>([&] { save_data(dir.file("bad.h5"), DataSplit{bad, bad, ""}, true); },
                                 dir.file("bad.h5") + ": cannot save bad: sample 0 holds NaN or infinite values");
  BOOST_TEST(!std::filesystem::exists(dir.file("bad.h5")));
}

// Issue 9: 8-bit x without the `pixels` attribute was read unscaled (0-255) as if it were features. The
// stored type decides: 8-bit unsigned integers are pixels and must say so; floats are read as they are.
BOOST_AUTO_TEST_CASE(the_stored_type_decides_how_x_is_read) {
  test::ScratchDir dir("store");
  const std::string path = dir.file("t.h5"), folder = dir.path().string();
  write_store(path, [](H5Writer& f) {
    f.write_bytes("/train/x", Shape{2, 1, 1, 2}, {0, 250, 7, 255});
    write_float_part(f, "/test", 1);
  });
  test::check_message<FileError>([&] { load_data(folder, "t"); },
                                 path + ": /train/x holds 8-bit unsigned integers without the 'pixels' attribute; expected pixels "
                                        "0-255 marked by it (as lecon_convert_data writes them) or float features");
  write_store(path, [](H5Writer& f) {
    write_float_part(f, "/train", 2);
    f.set_attribute("/train/x", "pixels", "uint8 0-255");
    write_float_part(f, "/test", 1);
  });
  test::check_message<FileError>([&] { load_data(folder, "t"); },
                                 path + ": /train/x has the 'pixels' attribute but holds 32-bit floats, expected 8-bit unsigned integers");
  write_store(path, [](H5Writer& f) {
    f.write_labels("/train/x", arma::uvec{1, 2});  // uint32 features
    f.write_labels("/train/y", arma::uvec{0, 1});
    f.write_labels("/test/x", arma::uvec{1});
    f.write_labels("/test/y", arma::uvec{0});
  });
  test::check_message<FileError>([&] { load_data(folder, "t"); },
                                 path + ": /train/x holds 32-bit unsigned integers, expected 8-bit unsigned pixels (with the "
                                        "'pixels' attribute) or 32/64-bit float features");
  // Float features are read as they are, doubles included (within float range).
  write_store(path, [](H5Writer& f) {
    Tensor<double> x(Shape{2, 2});
    x.at(1, 1) = -1e30;
    f.write("/train/x", x);
    f.write_labels("/train/y", arma::uvec{0, 1});
    write_float_part(f, "/test", 1);
  });
  const DataSplit back = load_data(folder, "t");
  BOOST_TEST(back.train.x.at(1, 1) == -1e30f);
  BOOST_TEST(back.test.x.at(0, 1) == 0.5f);
}

// Issue 9: NaN/inf and values beyond float range in float data, named by dataset and sample.
BOOST_AUTO_TEST_CASE(non_finite_features_are_named_by_dataset_and_sample) {
  test::ScratchDir dir("store");
  const std::string path = dir.file("t.h5"), folder = dir.path().string();
  write_store(path, [](H5Writer& f) {
    write_float_part(f, "/train", 3);
    Tensor<float> x(Shape{3, 2});
    x.at(2, 1) = std::numeric_limits<float>::infinity();
    f.write("/test/x", x);
    f.write_labels("/test/y", arma::uvec{0, 0, 0});
  });
  test::check_message<FileError>([&] { load_data(folder, "t"); }, path + ": /test/x sample 2 holds NaN or infinite values");
  write_store(path, [](H5Writer& f) {
    Tensor<double> x(Shape{3, 2});
    x.at(1, 0) = std::numeric_limits<double>::quiet_NaN();
    f.write("/train/x", x);
    f.write_labels("/train/y", arma::uvec{0, 0, 0});
    write_float_part(f, "/test", 1);
  });
  test::check_message<FileError>([&] { load_data(folder, "t"); }, path + ": /train/x sample 1 holds NaN or infinite values");
  write_store(path, [](H5Writer& f) {
    Tensor<double> x(Shape{3, 2});
    x.at(2, 0) = 1e300;
    f.write("/train/x", x);
    f.write_labels("/train/y", arma::uvec{0, 0, 0});
    write_float_part(f, "/test", 1);
  });
  test::check_message<FileError>([&] { load_data(folder, "t"); },
                                 path + ": /train/x sample 2 holds a value beyond float range, expected magnitudes of at most 3.40282e+38");
}

// Issue 9: files with an empty part, 0x0 images or 0 features failed later with messages about gather/max.
BOOST_AUTO_TEST_CASE(empty_parts_are_refused_on_load) {
  test::ScratchDir dir("store");
  const std::string path = dir.file("t.h5"), folder = dir.path().string();
  write_store(path, [](H5Writer& f) {
    write_float_part(f, "/train", 3);
    f.write("/test/x", Tensor<float>(Shape{0, 2}));
    f.write_labels("/test/y", arma::uvec());
  });
  test::check_message<FileError>([&] { load_data(folder, "t"); }, path + ": /test holds 0 samples, expected at least 1");
  write_store(path, [](H5Writer& f) {
    f.write_bytes("/train/x", Shape{2, 1, 0, 0}, {});
    f.set_attribute("/train/x", "pixels", "uint8 0-255");
    f.write_labels("/train/y", arma::uvec{0, 1});
    write_float_part(f, "/test", 1);
  });
  test::check_message<FileError>([&] { load_data(folder, "t"); },
                                 path + ": /train/x holds samples of shape (1, 0, 0), expected at least 1 value per sample");
  write_store(path, [](H5Writer& f) {
    f.write("/train/x", Tensor<float>(Shape{2, 0}));
    f.write_labels("/train/y", arma::uvec{0, 1});
    write_float_part(f, "/test", 1);
  });
  test::check_message<FileError>([&] { load_data(folder, "t"); },
                                 path + ": /train/x holds samples of shape (0), expected at least 1 value per sample");
}

// Issue 9: labels >= the number of class names, labels that do not match the samples, feature names that do not.
BOOST_AUTO_TEST_CASE(labels_and_names_must_fit_the_samples) {
  test::ScratchDir dir("store");
  const std::string path = dir.file("t.h5"), folder = dir.path().string();
  write_store(path, [](H5Writer& f) {
    write_float_part(f, "/train", 3);
    f.write("/test/x", Tensor<float>(Shape{2, 2}));
    f.write_labels("/test/y", arma::uvec{1, 2});
  });
  test::check_message<FileError>([&] { load_data(folder, "t"); },
                                 path + ": /test/y: label 2 of sample 1 is outside [0, 2), the 2 names in /@class_names");
  write_store(path, [](H5Writer& f) {
    write_float_part(f, "/train", 3);
    f.write("/test/x", Tensor<float>(Shape{2, 2}));
    f.write_labels("/test/y", arma::uvec{1});
  });
  test::check_message<FileError>([&] { load_data(folder, "t"); }, path + ": /test/y holds 1 labels for the 2 samples in /test/x");
  write_store(path, [](H5Writer& f) {
    write_float_part(f, "/train", 3);
    write_float_part(f, "/test", 1);
    f.set_attribute("/", "feature_names", std::vector<std::string>{"f1", "f2", "f3"});
  });
  test::check_message<FileError>([&] { load_data(folder, "t"); },
                                 path + ": /@feature_names holds 3 names for the 2 features of /train/x");
}

// Issue 9: save_data (and so the converter) wrote such files; it refuses them before touching the path.
BOOST_AUTO_TEST_CASE(save_refuses_data_no_lab_could_use) {
  test::ScratchDir dir("store");
  const std::string path = dir.file("out.h5");
  DataSplit split{tiny_images(4, "toy/train"), tiny_images(0, "toy/test"), "unit test"};
  test::check_message<FileError>([&] { save_data(path, split, true); }, path + ": cannot save toy/test: 0 samples, expected at least 1");
  split.test = tiny_images(2, "toy/test");
  split.train.x = Tensor<Real>(Shape{4, 1, 0, 0});
  test::check_message<FileError>([&] { save_data(path, split, true); },
                                 path + ": cannot save toy/train: samples of shape (1, 0, 0) hold no values, expected at least 1 per sample");
  split.train = tiny_images(4, "toy/train");
  split.train.y[3] = 2;
  test::check_message<FileError>([&] { save_data(path, split, true); },
                                 path + ": cannot save toy/train: label 2 of sample 3 is outside [0, 2), the 2 class names");
  split.train = tiny_images(4, "toy/train");
  split.train.x.at(2, 0, 1, 1) = 1.5f;
  test::check_message<FileError>([&] { save_data(path, split, true); },
                                 path + ": cannot store toy/train as pixels: value 1.500000 of sample 2 is outside [0, 1]");
  split.train = tiny_images(4, "toy/train");
  split.test.x = Tensor<Real>(Shape{2, 6});
  test::check_message<FileError>([&] { save_data(path, split, false); },
                                 path + ": cannot save: train samples (4, 1, 2, 3) and test samples (2, 6) differ in shape");
  split.test = tiny_images(2, "toy/test");
  split.test.class_names = {"odd", "even"};
  test::check_message<FileError>([&] { save_data(path, split, true); },
                                 path + ": cannot save: train and test have different class names (one list is stored for both)");
  BOOST_TEST(!std::filesystem::exists(path));
}

// The load time is printed, not asserted: speed is measured by bench_gemm, never by a test.
BOOST_AUTO_TEST_CASE(real_mnist_is_complete, *boost::unit_test::precondition(MnistPresent())) {
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
