#pragma once
// TIMIT's phone set and the foldings used to train and to score ([paper: Lee & Hon 1989, "Speaker-independent
// phone recognition using hidden Markov models"], docs/speech.md).
//
// The corpus labels 61 symbols (TIMIT's PHONCODE.DOC): 52 phones, 6 stop closures (bcl dcl gcl pcl tcl kcl)
// and 3 non-speech symbols (pau, epi, h#). Lee & Hon train on 48 classes and score on 39:
//   61 -> 48: closures become cl (unvoiced) or vcl (voiced); pau and h# become sil; ax-h -> ax, axr -> er,
//             em -> m, eng -> ng, nx -> n, hv -> hh, ux -> uw; the glottal stop q is removed;
//   48 -> 39: ao -> aa, ax -> ah, ix -> ih, el -> l, en -> n, zh -> sh, and cl, vcl, epi -> sil.
#include <cstddef>
#include <string>
#include <vector>

namespace lecon::speech {

// The 61 symbols in TIMIT's order of PHONCODE.DOC's table (stops, affricates, fricatives, nasals,
// semivowels and glides, vowels, others).
const std::vector<std::string>& timit61();
// The 48 training classes and the 39 scoring classes, each set in a fixed order (the index is the class).
const std::vector<std::string>& timit48();
const std::vector<std::string>& timit39();

// 61 -> 48 and 48 -> 39 (and 61 -> 39, their composition). fold_61_to_48("q") is "" (removed). A symbol
// outside the source set throws Error naming it and listing the set.
std::string fold_61_to_48(const std::string& phone);
std::string fold_48_to_39(const std::string& phone);
std::string fold_61_to_39(const std::string& phone);

// The index of `phone` in `set` (timit61(), timit48() or timit39()); throws Error naming the phone and
// the set's size when absent.
std::size_t phone_index(const std::vector<std::string>& set, const std::string& phone);

}  // namespace lecon::speech
