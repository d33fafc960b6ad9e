#include <boost/test/unit_test.hpp>
#include <sstream>

#include "lecon/labkit/progress.hpp"

using namespace lecon;

BOOST_AUTO_TEST_SUITE(progress)

BOOST_AUTO_TEST_CASE(log_style_prints_every_tenth_and_a_final_line) {
  BOOST_REQUIRE_MESSAGE(!Progress::stderr_is_terminal(), "run under CTest, stderr is not a terminal");
  std::ostringstream err;
  auto* old = std::cerr.rdbuf(err.rdbuf());
  {
    Progress bar("epoch 1", 100, "batch");
    for (int i = 0; i < 100; ++i) bar.advance();
    bar.finish("loss 0.5");
  }
  std::cerr.rdbuf(old);
  const std::string text = err.str();
  const auto lines = std::count(text.begin(), text.end(), '\n');
  BOOST_TEST(lines >= 10);
  BOOST_TEST(lines <= 12);
  BOOST_TEST(text.find("epoch 1 50/100 batch") != std::string::npos);
  BOOST_TEST(text.find("ETA") != std::string::npos);
  BOOST_TEST(text.find("epoch 1 100/100 batch") != std::string::npos);
  BOOST_TEST(text.find("took 00:00, loss 0.5\n") != std::string::npos);
  BOOST_TEST(text.find('\r') == std::string::npos);  // no terminal control in logs
}

BOOST_AUTO_TEST_SUITE_END()
