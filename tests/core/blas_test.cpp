#include <boost/test/unit_test.hpp>

#include "lecon/core/blas_runtime.hpp"
#include <armadillo>
#include <cctype>
#include <cstdlib>

#include "lecon/core/rng.hpp"

using namespace lecon;

BOOST_AUTO_TEST_SUITE(blas)

BOOST_AUTO_TEST_CASE(armadillo_calls_openmp_openblas) {
  const BlasInfo info = blas_info();
  BOOST_TEST_MESSAGE(describe_blas());
  BOOST_TEST(info.vendor == "OpenBLAS");
  BOOST_TEST(info.library.find("openblas") != std::string::npos);
  BOOST_TEST(info.config.find("USE_OPENMP") != std::string::npos);  // shares the OpenMP pool
}

BOOST_AUTO_TEST_CASE(the_kernel_follows_the_cpu_flags) {
  const std::string level = cpu_features();
  BOOST_TEST((level == "avx512f" || level == "avx2" || level == "avx" || level == "sse2"));
  if (level == "avx512f") BOOST_TEST((cpu_coretype() == "SkylakeX" || cpu_coretype() == "Cooperlake"));
  if (level == "avx2") BOOST_TEST(cpu_coretype() == "Haswell");
  const char* policy = std::getenv("LECON_BLAS_KERNEL");
  if (policy == nullptr && !cpu_coretype().empty()) {
    // test_main called select_blas_kernel: OpenBLAS must run the kernel chosen for this CPU.
    BOOST_TEST(blas_info().requested == cpu_coretype());
    std::string core = blas_info().core, wanted = cpu_coretype();
    for (auto& c : core) c = static_cast<char>(std::tolower(c));
    for (auto& c : wanted) c = static_cast<char>(std::tolower(c));
    BOOST_TEST(core == wanted);
  }
}

BOOST_AUTO_TEST_CASE(waiting_threads_sleep) {
  // test_main called select_blas_kernel: unless the user chose a wait policy or spin count, the
  // program was restarted with OMP_WAIT_POLICY=passive, before libgomp read it.
  const char* policy = std::getenv("OMP_WAIT_POLICY");
  const char* spin = std::getenv("GOMP_SPINCOUNT");
  BOOST_TEST_MESSAGE("OMP_WAIT_POLICY=" << (policy ? policy : "(unset)") << ", GOMP_SPINCOUNT=" << (spin ? spin : "(unset)"));
  BOOST_TEST((policy != nullptr || spin != nullptr));
  // The marker that the policy is lecon's (benchmark peers are started without it) appears exactly when
  // lecon set it: the policy is then "passive" and there is no spin count of the user's.
  if (std::getenv("LECON_WAIT_POLICY_SET") != nullptr) {
    BOOST_TEST(std::string(policy ? policy : "") == "passive");
    BOOST_TEST(spin == nullptr);
  }
}

BOOST_AUTO_TEST_CASE(gemm_through_armadillo_is_correct) {
  // A product large enough that Armadillo hands it to BLAS, checked against a plain triple loop.
  Rng rng(1);
  arma::Mat<float> a(67, 45), b(45, 33);
  rng.fill_uniform(a, -1.0f, 1.0f);
  rng.fill_uniform(b, -1.0f, 1.0f);
  const arma::Mat<float> c = a * b;
  for (arma::uword i = 0; i < 67; ++i)
    for (arma::uword j = 0; j < 33; ++j) {
      double sum = 0;
      for (arma::uword k = 0; k < 45; ++k) sum += double(a(i, k)) * b(k, j);
      BOOST_REQUIRE(std::abs(c(i, j) - sum) < 1e-4);
    }
}

BOOST_AUTO_TEST_SUITE_END()
