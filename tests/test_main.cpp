// The test runner: select the BLAS kernel like every lecon program, then hand over to Boost.Test.
#include <boost/test/unit_test.hpp>

#include "lecon/core/blas_runtime.hpp"

bool init_unit_test() { return true; }

int main(int argc, char** argv) {
  lecon::select_blas_kernel(argc, argv);
  return boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
}
