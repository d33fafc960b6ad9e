#include <boost/test/unit_test.hpp>

#include "lecon/core/hdf5_io.hpp"
#include "lecon/core/rng.hpp"
#include "test_util.hpp"

using namespace lecon;

BOOST_AUTO_TEST_SUITE(hdf5)

template <typename T>
Tensor<T> random_tensor(const Shape& s, std::uint64_t seed) {
  Tensor<T> t(s);
  Rng(seed).fill_normal(t.matrix(), T(0), T(1));
  return t;
}

BOOST_AUTO_TEST_CASE(float_and_double_tensors_round_trip_in_every_rank) {
  test::ScratchDir dir("h5");
  const std::string path = dir.file("t.h5");
  const auto f1 = random_tensor<float>(Shape{7}, 1);
  const auto f2 = random_tensor<float>(Shape{5, 3}, 2);
  const auto d3 = random_tensor<double>(Shape{4, 3, 2}, 3);
  const auto d4 = random_tensor<double>(Shape{2, 3, 4, 5}, 4);
  {
    H5Writer w(path);
    w.write("/a/rank1", f1);
    w.write("/a/rank2", f2);
    w.write("/b/c/rank3", d3);
    w.write("rank4", d4);
    w.commit();
  }
  const H5Reader r(path);
  BOOST_TEST(r.exists("/b/c/rank3"));
  BOOST_TEST(!r.exists("/b/nothing/here"));
  BOOST_TEST(r.shape("/rank4").str() == "(2, 3, 4, 5)");
  BOOST_TEST(arma::approx_equal(r.read<float>("/a/rank1").matrix(), f1.matrix(), "absdiff", 0.0f));
  BOOST_TEST(arma::approx_equal(r.read<float>("/a/rank2").matrix(), f2.matrix(), "absdiff", 0.0f));
  BOOST_TEST(arma::approx_equal(r.read<double>("/b/c/rank3").matrix(), d3.matrix(), "absdiff", 0.0));
  const Tensor<double> back = r.read<double>("/rank4");
  BOOST_TEST((back.shape() == d4.shape()));
  BOOST_TEST(back.at(1, 2, 3, 4) == d4.at(1, 2, 3, 4));
  // A double dataset read as float is converted by HDF5.
  BOOST_TEST(std::abs(r.read<float>("/rank4").at(1, 2, 3, 4) - float(d4.at(1, 2, 3, 4))) < 1e-6f);
}

BOOST_AUTO_TEST_CASE(attributes_labels_and_bytes_round_trip) {
  test::ScratchDir dir("h5");
  const std::string path = dir.file("attrs.h5");
  {
    H5Writer w(path);
    w.write_labels("/train/y", arma::uvec{3, 0, 9, 4});
    w.write_bytes("/train/x", Shape{2, 3}, {0, 1, 2, 253, 254, 255});
    w.set_attribute("/", "source", "unit test");
    w.set_attribute("/", "version", 3.5);
    w.set_attribute("/", "class_names", std::vector<std::string>{"zero", "one", "two words"});
    w.set_attribute("/train/x", "pixels", "uint8");
    w.set_attribute("/meta", "note", "a group made for its attribute");
    w.commit();
  }
  const H5Reader r(path);
  BOOST_TEST(arma::all(r.read_labels("/train/y") == arma::uvec{3, 0, 9, 4}));
  Shape s;
  const auto bytes = r.read_bytes("/train/x", s);
  BOOST_TEST(s.str() == "(2, 3)");
  BOOST_TEST(bytes[5] == 255);
  BOOST_TEST(r.attribute_string("/", "source") == "unit test");
  BOOST_TEST(r.attribute_number("/", "version") == 3.5);
  BOOST_TEST(r.attribute_strings("/", "class_names") == (std::vector<std::string>{"zero", "one", "two words"}));
  BOOST_TEST(r.attribute_string("/train/x", "pixels") == "uint8");
  BOOST_TEST(r.attribute_string("/meta", "note") == "a group made for its attribute");
  BOOST_TEST(!r.has_attribute("/", "absent"));
  test::check_error<FileError>([&] { r.attribute_string("/", "absent"); }, {path, "attribute /@absent not found"});
  test::check_error<FileError>([&] { r.attribute_number("/", "source"); }, {path, "expected a number"});
  test::check_error<FileError>([&] { r.read<float>("/nothing"); }, {path, "dataset /nothing not found"});
  test::check_error<FileError>([&] { r.read_labels("/train/x"); }, {path, "labels must be rank 1"});
}

BOOST_AUTO_TEST_CASE(missing_and_foreign_files_are_named_in_the_error) {
  test::ScratchDir dir("h5");
  test::check_error<FileError>([&] { H5Reader r(dir.file("absent.h5")); }, {"absent.h5", "file not found"});
  test::write_text(dir.file("text.h5"), "this is not HDF5\n");
  test::check_error<FileError>([&] { H5Reader r(dir.file("text.h5")); }, {"text.h5", "not an HDF5 file"});
  test::check_error<FileError>([&] { H5Writer w(dir.file("no/such/dir/x.h5")); }, {"x.h5", "cannot create"});
}

BOOST_AUTO_TEST_CASE(writes_are_atomic) {
  test::ScratchDir dir("h5");
  const std::string path = dir.file("model.h5");
  {
    H5Writer good(path);
    good.write("/w", Tensor<float>(Shape{2, 2}));
    good.commit();
  }
  {
    H5Writer interrupted(path);  // e.g. an exception while saving: no commit
    interrupted.write("/w", Tensor<float>(Shape{9, 9}));
    interrupted.write("/other", Tensor<float>(Shape{1}));
  }
  // The earlier file is intact and no temporary file is left behind.
  const H5Reader r(path);
  BOOST_TEST(r.shape("/w").str() == "(2, 2)");
  BOOST_TEST(!r.exists("/other"));
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) files += entry.is_regular_file();
  BOOST_TEST(files == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
