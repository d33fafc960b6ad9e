#include <boost/test/unit_test.hpp>
#include <set>

#include "lecon/core/parallel.hpp"
#include "lecon/core/rng.hpp"
#include "test_util.hpp"
#include "worse.hpp"

using namespace lecon;

namespace {

// Runs f with the given number of threads, restoring the previous count.
template <typename F>
void with_threads(int n, F f) {
  const int before = thread_count();
  set_thread_count(n);
  f();
  set_thread_count(before);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rng)

BOOST_AUTO_TEST_CASE(same_seed_same_sequence_other_seed_other_sequence) {
  Rng a(7), b(7), c(8);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next_u64();
    BOOST_TEST(x == b.next_u64());
    differs = differs || x != c.next_u64();
  }
  BOOST_TEST(differs);
}

BOOST_AUTO_TEST_CASE(bulk_fills_are_identical_for_any_thread_count) {
  // Larger than several blocks, and not a multiple of the block size.
  const std::size_t rows = 333, cols = 101;
  arma::Mat<float> one(rows, cols), two(rows, cols), three(rows, cols);
  arma::Mat<double> n1(rows, cols), n2(rows, cols), b1(rows, cols), b2(rows, cols);
  with_threads(1, [&] {
    Rng r(123);
    r.fill_uniform(one, -1.0f, 1.0f);
    r.fill_normal(n1, 0.0, 1.0);
    r.fill_bernoulli(b1, 0.3);
  });
  with_threads(2, [&] {
    Rng r(123);
    r.fill_uniform(two, -1.0f, 1.0f);
    r.fill_normal(n2, 0.0, 1.0);
    r.fill_bernoulli(b2, 0.3);
  });
  with_threads(3, [&] {
    Rng r(123);
    r.fill_uniform(three, -1.0f, 1.0f);
  });
  BOOST_TEST(arma::approx_equal(one, two, "absdiff", 0.0f));
  BOOST_TEST(arma::approx_equal(one, three, "absdiff", 0.0f));
  BOOST_TEST(arma::approx_equal(n1, n2, "absdiff", 0.0));
  BOOST_TEST(arma::approx_equal(b1, b2, "absdiff", 0.0));
  // Blocks are not copies of each other.
  BOOST_TEST(one(0, 0) != one(Rng::kBlock % rows, Rng::kBlock / rows));
}

BOOST_AUTO_TEST_CASE(successive_fills_differ) {
  Rng r(5);
  arma::mat a(100, 10), b(100, 10);
  r.fill_uniform(a, 0.0, 1.0);
  r.fill_uniform(b, 0.0, 1.0);
  BOOST_TEST(!arma::approx_equal(a, b, "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(distributions_have_their_moments) {
  Rng r(2024);
  arma::mat u(1000, 1000), z(1000, 1000), bern(1000, 1000);
  r.fill_uniform(u, 2.0, 4.0);
  r.fill_normal(z, 1.0, 3.0);
  r.fill_bernoulli(bern, 0.25);
  BOOST_TEST(u.min() >= 2.0);
  BOOST_TEST(test::max_of(u) < 4.0);
  BOOST_TEST(std::abs(arma::mean(arma::vectorise(u)) - 3.0) < 0.005);
  BOOST_TEST(std::abs(arma::mean(arma::vectorise(z)) - 1.0) < 0.01);
  BOOST_TEST(std::abs(arma::stddev(arma::vectorise(z)) - 3.0) < 0.01);
  BOOST_TEST(std::abs(arma::mean(arma::vectorise(bern)) - 0.25) < 0.002);
  BOOST_TEST(arma::all(arma::vectorise(bern) == 0.0 || arma::vectorise(bern) == 1.0));
  double sum = 0, sum2 = 0;
  for (int i = 0; i < 200000; ++i) {
    const double v = r.normal();
    sum += v;
    sum2 += v * v;
  }
  BOOST_TEST(std::abs(sum / 200000) < 0.01);
  BOOST_TEST(std::abs(sum2 / 200000 - 1.0) < 0.02);
  test::check_error<Error>([&] { r.fill_bernoulli(bern, 1.5); }, {"probability must be in [0, 1]"});
}

BOOST_AUTO_TEST_CASE(uniform_int_is_in_range_and_unbiased) {
  Rng r(11);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 70000; ++i) {
    const auto k = r.uniform_int(7);
    BOOST_REQUIRE(k < 7u);
    counts[k]++;
  }
  for (int c : counts) BOOST_TEST(std::abs(c - 10000) < 400);  // ~4 standard deviations
  test::check_error<Error>([&] { r.uniform_int(0); }, {"empty range"});
}

BOOST_AUTO_TEST_CASE(permutation_is_a_deterministic_shuffle) {
  Rng a(3), b(3);
  const arma::uvec p = a.permutation(1000);
  BOOST_TEST(arma::all(arma::sort(p) == arma::regspace<arma::uvec>(0, 999)));
  BOOST_TEST(arma::all(p == b.permutation(1000)));
  BOOST_TEST(arma::any(p != arma::regspace<arma::uvec>(0, 999)));
  BOOST_TEST(a.permutation(0).n_elem == 0u);
}

BOOST_AUTO_TEST_CASE(split_gives_independent_reproducible_streams) {
  Rng parent1(9), parent2(9);
  Rng child1 = parent1.split(), child2 = parent2.split();
  BOOST_TEST(child1.next_u64() == child2.next_u64());
  BOOST_TEST(child1.next_u64() != parent1.next_u64());
}

BOOST_AUTO_TEST_CASE(set_state_continues_the_stream_exactly) {
  Rng a(17);
  arma::mat first(50, 3);
  a.fill_normal(first, 0.0, 1.0);
  a.permutation(10);
  const Rng::State saved = a.state();
  BOOST_TEST(saved[0] == 17u);  // the seed, then the four xoshiro words
  std::vector<std::uint64_t> expected;
  for (int i = 0; i < 20; ++i) expected.push_back(a.next_u64());
  arma::mat fill_a(300, 20);
  a.fill_bernoulli(fill_a, 0.4);
  Rng b(99);  // another seed: everything must come from the state
  b.set_state(saved);
  BOOST_TEST(b.seed() == 17u);
  for (int i = 0; i < 20; ++i) BOOST_TEST(b.next_u64() == expected[static_cast<std::size_t>(i)]);
  arma::mat fill_b(300, 20);
  b.fill_bernoulli(fill_b, 0.4);
  BOOST_TEST(arma::approx_equal(fill_a, fill_b, "absdiff", 0.0));
  BOOST_TEST(a.state() == b.state());
  test::check_error<Error>([&] { b.set_state({5, 0, 0, 0, 0}); }, {"all zero"});
  BOOST_TEST(a.state() == b.state());  // a refused state changes nothing
}

BOOST_AUTO_TEST_SUITE_END()
