#include <boost/test/unit_test.hpp>

#include "core/error_message.hpp"
#include "lecon/core/dataset.hpp"
#include "test_util.hpp"

using namespace lecon;

namespace {

// n samples of d features, sample i holds i in every feature; labels i % classes.
Dataset counting_dataset(std::size_t n, std::size_t d, std::size_t classes) {
  Dataset data;
  data.name = "counting";
  data.x = Tensor<Real>(Shape{n, d});
  data.y.set_size(n);
  for (std::size_t i = 0; i < n; ++i) {
    data.x.sample(i).fill(Real(i));
    data.y[i] = i % classes;
  }
  for (std::size_t k = 0; k < classes; ++k) data.class_names.push_back("c" + std::to_string(k));
  return data;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dataset)

BOOST_AUTO_TEST_CASE(one_hot_puts_a_single_one_per_column) {
  const arma::mat t = one_hot<double>(arma::uvec{2, 0, 1, 2}, 3);
  BOOST_TEST(t.n_rows == 3u);
  BOOST_TEST(t.n_cols == 4u);
  BOOST_TEST(arma::all(arma::sum(t, 0) == 1.0));
  BOOST_TEST(t(2, 0) == 1.0);
  BOOST_TEST(t(0, 1) == 1.0);
  test::check_error<Error>([] { one_hot<float>(arma::uvec{3}, 3); }, {"label 3 outside [0, 3)"});
}

BOOST_AUTO_TEST_CASE(class_counts_subset_and_validation) {
  Dataset d = counting_dataset(10, 2, 3);
  BOOST_TEST(arma::all(d.class_counts() == arma::uvec{4, 3, 3}));
  const Dataset part = d.subset(arma::uvec{9, 1});
  BOOST_TEST(part.size() == 2u);
  BOOST_TEST(part.x.at(0, 1) == 9.0f);
  BOOST_TEST(part.y[1] == 1u);
  d.validate();
  d.x.at(3, 1) = std::numeric_limits<Real>::quiet_NaN();
  d.x.at(7, 0) = std::numeric_limits<Real>::infinity();
  test::check_message<Error>([&] { d.validate(); }, "counting: sample 3 holds NaN or infinite values");  // the first
  d = counting_dataset(10, 2, 3);
  d.y[4] = 3;
  test::check_message<Error>([&] { d.validate(); }, "counting: label 3 of sample 4 is outside [0, 3), the 3 class names");
  // A Dataset built by hand and never validated: counting and splitting check the labels before indexing by them.
  test::check_message<Error>([&] { d.class_counts(); }, "counting: label 3 is outside [0, 3), the 3 class names");
  Rng rng(1);
  test::check_message<Error>([&] { train_validation_split(d, 0.2, rng); }, "counting: label 3 of sample 4 is outside [0, 3), the 3 class names");
  d.y.resize(9);
  test::check_message<Error>([&] { d.validate(); }, "counting: 10 samples but 9 labels");
}

// Issue 9: empty data sets passed validation and failed later in gather() or max().
BOOST_AUTO_TEST_CASE(validate_refuses_empty_data) {
  Dataset d = counting_dataset(0, 2, 3);
  test::check_message<Error>([&] { d.validate(); }, "counting: 0 samples, expected at least 1");
  d = counting_dataset(4, 2, 3);
  d.x = Tensor<Real>(Shape{4, 1, 0, 0});
  test::check_message<Error>([&] { d.validate(); }, "counting: samples of shape (1, 0, 0) hold no values, expected at least 1 per sample");
  d = counting_dataset(4, 2, 3);
  d.class_names.clear();
  test::check_message<Error>([&] { d.validate(); }, "counting: no class names, expected at least 1");
  d = counting_dataset(4, 2, 3);
  d.feature_names = {"only one"};
  test::check_message<Error>([&] { d.validate(); }, "counting: 1 feature names for 2 features");
}

BOOST_AUTO_TEST_CASE(train_validation_split_is_stratified_and_disjoint) {
  const Dataset d = counting_dataset(300, 1, 3);
  Rng rng(4);
  const TrainValidation parts = train_validation_split(d, 0.2, rng);
  BOOST_TEST(parts.validation.size() == 60u);
  BOOST_TEST(parts.train.size() == 240u);
  BOOST_TEST(arma::all(parts.validation.class_counts() == arma::uvec{20, 20, 20}));
  arma::uvec seen(300, arma::fill::zeros);
  for (const Dataset* p : {&parts.train, &parts.validation})
    for (std::size_t i = 0; i < p->size(); ++i) seen[static_cast<arma::uword>(p->x.at(i, 0))] += 1;
  BOOST_TEST(arma::all(seen == 1u));  // every sample in exactly one part
  test::check_error<OptionError>([&] { train_validation_split(d, 1.0, rng); }, {"validation fraction must be in (0, 1)"});
}

BOOST_AUTO_TEST_CASE(standardizer_gives_zero_mean_unit_sd_from_training_statistics) {
  arma::Mat<Real> train = {{1, 2, 3, 4}, {10, 10, 10, 10}, {-2, 0, 2, 4}};  // 3 features x 4 samples
  Standardizer s;
  s.fit(train);
  arma::Mat<Real> x = train;
  s.apply(x);
  BOOST_TEST(std::abs(arma::mean(x.row(0))) < 1e-6);
  BOOST_TEST(std::abs(arma::stddev(x.row(0), 1) - 1.0f) < 1e-5);
  BOOST_TEST(arma::all(x.row(1) == 0.0f));  // a constant feature is only centred
  arma::Mat<Real> test_x(3, 1);
  test_x.col(0) = arma::Col<Real>{5, 10, 1};
  s.apply(test_x);  // uses the training mean and sd
  BOOST_TEST(std::abs(test_x(0, 0) - (5 - 2.5f) / std::sqrt(1.25f)) < 1e-5);
  arma::Mat<Real> wrong(2, 3);
  test::check_error<Error>([&] { s.apply(wrong); }, {"fitted on 3 features, given 2"});
}

BOOST_AUTO_TEST_CASE(minibatches_cover_every_sample_once_per_epoch) {
  Rng rng(1);
  const auto epoch1 = minibatch_indices(103, 10, &rng);
  const auto epoch2 = minibatch_indices(103, 10, &rng);
  BOOST_TEST(epoch1.size() == 11u);
  BOOST_TEST(epoch1.back().n_elem == 3u);  // the remainder
  arma::uvec all1, all2;
  for (const auto& b : epoch1) all1 = arma::join_cols(all1, b);
  for (const auto& b : epoch2) all2 = arma::join_cols(all2, b);
  BOOST_TEST(arma::all(arma::sort(all1) == arma::regspace<arma::uvec>(0, 102)));
  BOOST_TEST(arma::any(all1 != all2));  // reshuffled each epoch
  const auto ordered = minibatch_indices(5, 5, nullptr);  // full batch, in order
  BOOST_TEST(ordered.size() == 1u);
  BOOST_TEST(arma::all(ordered[0] == arma::regspace<arma::uvec>(0, 4)));
  BOOST_TEST(minibatch_indices(4, 1, nullptr).size() == 4u);  // online
  Rng again(1);
  BOOST_TEST(arma::all(minibatch_indices(103, 10, &again)[0] == epoch1[0]));
  test::check_error<OptionError>([] { minibatch_indices(5, 0, nullptr); }, {"batch size must be at least 1"});
}

BOOST_AUTO_TEST_SUITE_END()
