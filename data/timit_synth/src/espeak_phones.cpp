#include "lecon/timit_synth/espeak_phones.hpp"

#include <map>

#include "lecon/core/error.hpp"

namespace lecon::timit_synth {

// The phonemes espeak-ng 1.51's en-us voice uses for the 1,132 CMU ARCTIC prompts (every one was seen when
// this table was written), with the example word espeak used it in.
const std::vector<std::pair<std::string, std::string>>& espeak_to_timit_table() {
  static const std::vector<std::pair<std::string, std::string>> table = {
      // Stops: espeak's stop phoneme is closure + burst in one segment, so it stays one TIMIT stop.
      {"b", "b"},
      {"d", "d"},
      {"g", "g"},
      {"p", "p"},
      {"t", "t"},
      {"k", "k"},
      {"t2", "t"},   // "stop", "time": a t espeak realises with less aspiration; TIMIT has one t
      {"t#", "dx"},  // "letter", "city": American English flap
      {"?", "q"},    // "certain", "forgotten": glottal stop before syllabic n
      // Affricates and fricatives.
      {"tS", "ch"},
      {"dZ", "jh"},
      {"s", "s"},
      {"S", "sh"},
      {"z", "z"},
      {"Z", "zh"},
      {"f", "f"},
      {"T", "th"},
      {"v", "v"},
      {"D", "dh"},
      // Nasals.
      {"m", "m"},
      {"n", "n"},
      {"N", "ng"},
      {"n-", "en"},  // syllabic n: "certain" [s 3: ? n-]
      // Semivowels and glides.
      {"l", "l"},
      {"@L", "el"},  // syllabic l: "table", "people"
      {"r", "r"},
      {"r-", "r"},  // linking r after an r-coloured vowel: "her", "Author"
      {"w", "w"},
      {"j", "y"},
      {";", "y"},  // linking [j] after i: before a vowel: "seeing" [s i: ; I N], "he" before a vowel
      {"h", "hh"},
      // Vowels. en-us realises the British-named ones as below (espeak's ph_english_us).
      {"i:", "iy"},
      {"i", "iy"},    // final "happy" vowel: "only", "cities"
      {"I", "ih"},
      {"I#", "ix"},   // unstressed: "before", "needed"
      {"I2", "ix"},   // unstressed: "coming", "hundred"
      {"E", "eh"},
      {"eI", "ey"},
      {"a", "ae"},
      {"aa", "ae"},   // the "bath" vowel, [ae] in en-us: "after", "asked"
      {"a#", "ax"},   // unstressed a: "a", "again", "than"
      {"A:", "aa"},   // "palm"
      {"0", "aa"},    // the "lot" vowel, [aa] in en-us: "God", "Not"
      {"V", "ah"},
      {"O:", "ao"},
      {"O2", "ao"},   // "long", "on", "want"
      {"U", "uh"},
      {"u:", "uw"},
      {"3:", "er"},   // stressed r-coloured vowel: "her", "certain"
      {"3", "axr"},   // unstressed r-coloured schwa: "danger", "ever"
      {"@", "ax"},
      {"@2", "ax"},   // weak "the", "of" before a consonant
      {"@-", "ax"},   // short schwa: "average", "tingling"
      {"aI", "ay"},
      {"aU", "aw"},
      {"OI", "oy"},
      {"oU", "ow"},
      // r-coloured and centring diphthongs: one espeak segment, so one TIMIT vowel; TIMIT would add an r.
      {"A@", "aa"},   // "start", "sharply"
      {"O@", "ao"},   // "shorter"
      {"o@", "ao"},   // "before", "forces"
      {"e@", "eh"},   // "square"
      {"i@", "ih"},   // "near" (British-style centring)
      {"i@3", "ih"},  // "fear", "here"
      {"U@", "uh"},   // "cure", "curiosity"
      {"aI@", "ay"},  // "science"
      {"aI3", "ay"},  // "fire", "empire"
      // Pauses (is_espeak_pause): pau inside an utterance, h# at its ends.
      {"_", "pau"},
      {"_:", "pau"},
      {"_!", "pau"},
      {"_|", "pau"},
  };
  return table;
}

const std::string& timit_phone(const std::string& espeak_phoneme) {
  static const std::map<std::string, std::string> map(espeak_to_timit_table().begin(), espeak_to_timit_table().end());
  const auto it = map.find(espeak_phoneme);
  if (it == map.end())
    throw Error("espeak phoneme '" + espeak_phoneme + "' has no TIMIT symbol in the table (data/timit_synth/src/espeak_phones.cpp); " +
                "a new espeak-ng version may have added it: add a row instead of guessing");
  return it->second;
}

bool is_espeak_pause(const std::string& espeak_phoneme) { return timit_phone(espeak_phoneme) == "pau"; }

}  // namespace lecon::timit_synth
