#include <boost/test/unit_test.hpp>
#include <atomic>
#include <limits>
#include <vector>

#include "lecon/core/blas_runtime.hpp"
#include "lecon/core/error.hpp"
#include "lecon/core/parallel.hpp"
#include "test_util.hpp"

using namespace lecon;

BOOST_AUTO_TEST_SUITE(parallel)

BOOST_AUTO_TEST_CASE(parallel_for_visits_each_index_once) {
  std::vector<std::atomic<int>> visits(10007);
  parallel_for(visits.size(), [&](std::size_t i) { visits[i]++; });
  for (const auto& v : visits) BOOST_REQUIRE(v.load() == 1);
}

// A product below the smallest normal float: a subnormal under IEEE rules, 0 once flushed, on the calling
// thread and on every thread of the pool.
BOOST_AUTO_TEST_CASE(flush_subnormals_reaches_every_pool_thread_and_can_be_undone) {
  const int before = thread_count();
  set_thread_count(2);
  const auto tiny_products = [] {
    std::vector<float> products(64);
    parallel_for(products.size(), [&](std::size_t i) {
      volatile float a = 1e-30f, b = 1e-10f;  // volatile: computed at run time, under the thread's MXCSR
      products[i] = a * b;
    });
    volatile float a = 1e-30f, b = 1e-10f;
    products.push_back(a * b);
    return products;
  };
  BOOST_REQUIRE(!subnormals_flushed());
  for (float p : tiny_products()) BOOST_REQUIRE(p > 0 && p < std::numeric_limits<float>::min());
  flush_subnormals(true);
  BOOST_TEST(subnormals_flushed());
  for (float p : tiny_products()) BOOST_REQUIRE_EQUAL(p, 0.0f);
  flush_subnormals(false);
  BOOST_TEST(!subnormals_flushed());
  for (float p : tiny_products()) BOOST_REQUIRE(p > 0);
  set_thread_count(before);
}

BOOST_AUTO_TEST_CASE(exceptions_cross_the_parallel_region) {
  test::check_error<Error>([] {
    parallel_for(1000, [](std::size_t i) {
      if (i == 500) throw Error("sample 500 is bad");
    });
  }, {"sample 500 is bad"});
}

BOOST_AUTO_TEST_CASE(transform_applies_elementwise) {
  arma::mat x = arma::linspace<arma::mat>(-3, 3, 100001);
  arma::mat y;
  transform(x, y, [](double v) { return v > 0 ? v : 0.0; });
  BOOST_TEST(arma::approx_equal(y, arma::clamp(x, 0.0, 10.0), "absdiff", 0.0));
  transform(x, x, [](double v) { return 2 * v; });  // in place
  BOOST_TEST(x(100000) == 6.0);
}

BOOST_AUTO_TEST_CASE(thread_count_can_be_set) {
  const int before = thread_count();
  set_thread_count(1);
  BOOST_TEST(thread_count() == 1);
  set_thread_count(0);  // all cores
  BOOST_TEST(thread_count() == omp_get_num_procs());
  set_thread_count(before);
}

BOOST_AUTO_TEST_CASE(small_loops_stay_on_the_calling_thread) {
  const int before = thread_count();
  set_thread_count(2);
  auto team_sizes = [](std::size_t n, std::size_t work) {
    std::vector<int> sizes(n);
    parallel_for(n, [&](std::size_t i) { sizes[i] = omp_get_num_threads(); }, work);
    return sizes;
  };
  BOOST_TEST(team_sizes(1, kParallelWork)[0] == 1);        // one index: no team
  BOOST_TEST(team_sizes(8, 100)[7] == 1);                  // 800 operations: no team
  BOOST_TEST(team_sizes(8, kParallelWork / 4)[7] == 2);    // enough work: the pool
  BOOST_TEST(team_sizes(2, kParallelWork)[1] == 2);        // the default: every index worth a thread
  set_thread_count(before);
}

BOOST_AUTO_TEST_CASE(small_products_run_blas_on_one_thread) {
  const int before = thread_count();
  set_thread_count(2);
  {
    const SerialIfSmall serial(64 * 784);  // Dense 784 -> 64 on one sample
    BOOST_TEST(thread_count() == 1);
    BOOST_TEST(blas_info().threads == 1);  // OpenBLAS told as well
    arma::fmat W(64, 784, arma::fill::ones), x(784, 1, arma::fill::ones);
    const arma::fmat y = W * x;
    BOOST_TEST(y(0, 0) == 784.0f);
  }
  BOOST_TEST(thread_count() == 2);
  BOOST_TEST(blas_info().threads == 2);  // back, for OpenBLAS too (it stops following OpenMP at 1)
  {
    const SerialIfSmall serial(kBlasParallelWork);  // large enough: untouched
    BOOST_TEST(thread_count() == 2);
  }
  set_thread_count(1);
  { const SerialIfSmall serial(10); }
  BOOST_TEST(thread_count() == 1);  // nothing to restore from 1
  set_thread_count(before);
}

BOOST_AUTO_TEST_SUITE_END()
