// R's order of factor levels (factor_levels.hpp), checked against R itself: tests/core/r_collation.txt
// holds levels(factor(x)) for 451 ASCII labels as R 4.2.2 (ICU root collator) printed them in
// LC_COLLATE=en_US.UTF-8 (C.UTF-8 gives the same order); make_r_collation.R wrote it.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "lecon/core/factor_levels.hpp"
#include "lecon/core/loaders.hpp"
#include "lecon/core/rng.hpp"
#include "test_util.hpp"

using namespace lecon;

namespace {

using Labels = std::vector<std::string>;

// The labels of r_collation.txt, in R's order.
Labels r_order() {
  const std::string path = (std::filesystem::path(__FILE__).parent_path() / "r_collation.txt").string();
  std::ifstream in(path);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
  Labels labels;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const std::string hex = line.substr(0, line.find('\t'));
    BOOST_REQUIRE(hex.size() % 2 == 0);
    std::string label;
    for (std::size_t i = 0; i < hex.size(); i += 2) label += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    labels.push_back(label);
  }
  return labels;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(collation)

BOOST_AUTO_TEST_CASE(levels_come_in_rs_order_not_byte_order) {
  // R 4.2.2, en_US.UTF-8 (and C.UTF-8): levels(factor(c("b","B","a","A","a_1","A1","10","9")))
  //   [1] "10"  "9"   "a"   "A"   "a_1" "A1"  "b"   "B"
  // and in the C locale, bytes: "10" "9" "A" "A1" "B" "a" "a_1" "b".
  BOOST_TEST(factor_levels({"b", "B", "a", "A", "a_1", "A1", "10", "9", "a", "B"}) ==
                 (Labels{"10", "9", "a", "A", "a_1", "A1", "b", "B"}),
             boost::test_tools::per_element());
  BOOST_TEST(collates_before("a", "A"));
  BOOST_TEST(!collates_before("A", "a"));
  BOOST_TEST(collates_before("A", "b"));      // case only breaks ties: A before b, where bytes put b after B
  BOOST_TEST(collates_before("ab", "aB"));    // the first case difference decides: lower case first
  BOOST_TEST(collates_before("aB", "Ab"));
  BOOST_TEST(collates_before("a", "a_1"));    // a prefix first
  BOOST_TEST(collates_before("a_1", "A1"));   // _ before the digits, whatever the case
  BOOST_TEST(collates_before("10", "9"));     // digits are characters, not numbers
  BOOST_TEST(!collates_before("same", "same"));
  BOOST_TEST(factor_levels({}).empty());
}

BOOST_AUTO_TEST_CASE(the_order_is_rs_for_451_ascii_labels) {
  const Labels expected = r_order();
  BOOST_TEST(expected.size() == 451u);
  // Shuffled, with duplicates: factor_levels must give R's levels; sorting must give R's order.
  Labels values = expected;
  values.insert(values.end(), expected.begin(), expected.begin() + 100);
  Rng rng(3);
  const arma::uvec order = rng.permutation(values.size());
  Labels shuffled;
  for (arma::uword i : order) shuffled.push_back(values[i]);
  const Labels levels = factor_levels(shuffled);
  BOOST_TEST(levels == expected, boost::test_tools::per_element());
  // A strict weak order, in fact a total one: every pair compares one way only, in R's order (all 101,475 pairs).
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < expected.size(); ++i)
    for (std::size_t j = i + 1; j < expected.size(); ++j)
      if (!collates_before(expected[i], expected[j]) || collates_before(expected[j], expected[i])) {
        if (wrong++ < 5) BOOST_ERROR("'" << expected[i] << "' and '" << expected[j] << "' do not compare as R orders them");
      }
  BOOST_TEST(wrong == 0u);
}

BOOST_AUTO_TEST_CASE(non_ascii_labels_are_after_the_ascii_letters_a_documented_difference_from_r) {
  // R (ICU) gives e E é É f z; this rule, exact for ASCII only, puts é and É after z, in code point order.
  BOOST_TEST(factor_levels({"f", "\xc3\xa9", "E", "z", "\xc3\x89", "e"}) == (Labels{"e", "E", "f", "z", "\xc3\x89", "\xc3\xa9"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_csv_dataset_loader_uses_rs_order) {
  test::ScratchDir dir("factor-levels");
  test::write_text(dir.file("mixed.csv"), "x,label\n1,b\n2,B\n3,a\n4,A\n5,b\n");
  const Dataset d = read_csv_dataset(dir.file("mixed.csv"), "label", "mixed");
  BOOST_TEST(d.class_names == (Labels{"a", "A", "b", "B"}), boost::test_tools::per_element());
  BOOST_TEST(arma::all(d.y == arma::uvec{2, 3, 0, 1, 2}));
}

BOOST_AUTO_TEST_SUITE_END()
