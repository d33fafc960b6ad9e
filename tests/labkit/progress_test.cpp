#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <iostream>
#include <sstream>

#include "lecon/labkit/progress.hpp"

using namespace lecon;

BOOST_AUTO_TEST_SUITE(progress)

// In a log the bar prints one line when the loop ends (and one a minute for long loops), not a line
// per tenth: lab 06 trains six networks, lab 09 an epoch at a time.
BOOST_AUTO_TEST_CASE(log_style_prints_one_line_per_loop) {
  BOOST_REQUIRE_MESSAGE(!Progress::stderr_is_terminal(), "run under CTest, stderr is not a terminal");
  std::ostringstream err;
  auto* old = std::cerr.rdbuf(err.rdbuf());
  {
    Progress bar("epoch 1", 100, "batch");
    for (int i = 0; i < 100; ++i) bar.advance();
    bar.finish("loss 0.5");
    Progress unfinished("epoch 2", 10, "batch");  // the destructor ends the line
    for (int i = 0; i < 4; ++i) unfinished.advance();
  }
  std::cerr.rdbuf(old);
  const std::string text = err.str();
  BOOST_TEST(std::count(text.begin(), text.end(), '\n') == 2, text);
  BOOST_TEST(text.find("epoch 1 100/100 batch, ") == 0u, text);
  BOOST_TEST(text.find("took 00:00, loss 0.5\n") != std::string::npos);
  BOOST_TEST(text.find("\nepoch 2 4/10 batch, ") != std::string::npos, text);
  BOOST_TEST(text.find("ETA") == std::string::npos);
  BOOST_TEST(text.find('\r') == std::string::npos);  // no terminal control in logs
}

BOOST_AUTO_TEST_SUITE_END()
