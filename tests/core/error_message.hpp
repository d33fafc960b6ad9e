#pragma once
// Exact error messages: the loaders promise one line "<file>: <what was wrong, what was expected>", so
// their regression tests compare the whole what() text, not a fragment of it.
#include <boost/test/unit_test.hpp>
#include <functional>
#include <string>

namespace lecon::test {

// Runs f, which must throw E (no exception or another type fails) whose what() is exactly `expected`
// (a different text fails, showing both).
template <typename E>
void check_message(const std::function<void()>& f, const std::string& expected) {
  BOOST_CHECK_EXCEPTION(f(), E, [&](const E& e) {
    BOOST_CHECK_EQUAL(std::string(e.what()), expected);
    return true;
  });
}

}  // namespace lecon::test
