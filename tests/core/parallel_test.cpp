#include <boost/test/unit_test.hpp>
#include <atomic>
#include <chrono>
#include <limits>
#include <thread>
#include <utility>
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

// An optimizer's step: every entry of every array once, shares in whole 16-element blocks, one region of the
// whole team for the whole call at or above the threshold and none below it or inside a region.
BOOST_AUTO_TEST_CASE(for_each_share_covers_every_entry_once_in_one_region) {
  const int before = thread_count();
  set_thread_count(2);
  const std::vector<std::size_t> sizes = {401408, 512, 0, 17, 262144, 10};
  const auto run = [&](std::size_t parallel_from) {
    std::vector<std::vector<std::atomic<int>>> visits;
    for (std::size_t n : sizes) visits.emplace_back(n);
    std::atomic<int> largest_team{0}, calls{0}, unaligned{0};
    for_each_share(sizes, parallel_from, [&](std::size_t i, std::size_t begin, std::size_t end) {
      for (std::size_t k = begin; k < end; ++k) visits[i][k]++;
      calls++;
      if (begin % 16 != 0) unaligned++;
      int team = omp_get_num_threads();
      while (team > largest_team.load()) largest_team.store(team);
    });
    std::size_t wrong = 0;  // entries visited other than once
    for (const auto& array : visits)
      for (const auto& v : array) wrong += v.load() != 1;
    BOOST_TEST(wrong == 0u);
    BOOST_TEST(unaligned.load() == 0);
    return std::make_pair(largest_team.load(), calls.load());
  };
  BOOST_TEST(run(kParallelStep).first == 2);  // 664,091 entries in all
  BOOST_TEST(run(kParallelStep).second == 9);  // a share for each thread of the 4 arrays above 16 entries (17: 16 + 1), one of the 10
  BOOST_TEST(run(1u << 20).first == 1);        // below the threshold: the calling thread, a call per non-empty array
  BOOST_TEST(run(1u << 20).second == 5);
  // One region for all the arrays, not one per array: thread 1 holds its share of the first array until thread 0
  // has started on the fifth (262,144 entries). Thread 0 can get there only if no region ends, and so no barrier
  // waits for thread 1, between the arrays. Were there one, thread 1 gives up after 5 s and the check fails.
  std::atomic<bool> fifth_started{false}, gave_up{false};
  std::atomic<int> threads_seen{0};
  for_each_share(sizes, kParallelStep, [&](std::size_t i, std::size_t, std::size_t) {
    const int t = omp_get_thread_num();
    if (i == 0) threads_seen++;
    if (t == 0 && i == 4) fifth_started = true;
    if (t == 1 && i == 0) {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (!fifth_started && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
      gave_up = !fifth_started;
    }
  });
  BOOST_TEST(threads_seen.load() == 2);
  BOOST_TEST(!gave_up.load());
  int inner_team = 0;
#pragma omp parallel num_threads(2)
#pragma omp single
  for_each_share(sizes, 1, [&](std::size_t, std::size_t, std::size_t) { inner_team = omp_get_num_threads(); });
  BOOST_TEST(inner_team == 1);  // inside a region: stays on that thread
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
