#pragma once
// The levels of a text column in the order R gives them: factor(x) takes sort(unique(x)), and R sorts
// text in the collation of its locale, not by bytes. In an English locale (en_US.UTF-8, and C.UTF-8
// too) R 4.2 collates with ICU's root collation, so levels(factor(c("b", "B", "a", "A", "a_1", "A1",
// "10", "9"))) is  10 9 a A a_1 A1 b B,  where a byte order gives  10 9 A A1 B a a_1 b.
//
// The rule, exact for ASCII labels (ICU's root collation restricted to ASCII, checked against R):
//   1. Compare the strings character by character by their primary weights, a shorter string first when
//      it is a prefix of the other. The primary order is
//        tab, line feed, vertical tab, form feed, carriage return, space,
//        _ - , ; : ! ? . ' " ( ) [ ] { } @ * / \ & # % ` ^ + < = > | ~ $,
//        the digits 0-9, the letters a-z with each upper-case letter equal to its lower-case one.
//      Digits are characters, not numbers: "10" before "9". Other control characters (0x00-0x08,
//      0x0e-0x1f, 0x7f) have no weight at all.
//   2. If that ties, the first letter that differs in case decides: lower case first ("ab" < "aB" < "Ab").
//   3. If that ties too (strings that differ only in weightless control characters), code point order.
// Limits: a non-ASCII character (any byte >= 0x80 of UTF-8) gets a primary weight after every ASCII
// letter, in code point order, and no case: R sorts é with e (e E é É f) and this rule after z
// (e E f ... z é É). R in the C or POSIX locale sorts by bytes instead; this follows its English default.
#include <string>
#include <vector>

namespace lecon {

// Whether a comes before b in R's order (the rule above). A strict weak ordering, and total: only
// identical strings are equivalent.
bool collates_before(const std::string& a, const std::string& b);

// The distinct values, in R's order: levels(factor(values)).
std::vector<std::string> factor_levels(const std::vector<std::string>& values);

}  // namespace lecon
