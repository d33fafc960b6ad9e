#pragma once
// From frame posteriors to phone strings, and how a phone string is scored (docs/speech.md).
//
// Hybrid decoding ([book: Bourlard & Morgan 1994, "Connectionist Speech Recognition"]): a network's
// posterior p(q | x_t) divided by the prior p(q) is a scaled likelihood p(x_t | q) / p(x_t), so
//   score_t(q) = log p(q | x_t) − log p(q)
// plays the acoustic model's part in a Viterbi search over a phone loop: every phone is a chain of
// `min_duration` states (the last one loops), and leaving phone i for phone j ≠ i costs
//   lm_weight · log P(j | i) + insertion_penalty
// with P the bigram estimated from the training transcriptions ([paper: Lee & Hon 1989] used a bigram).
//
// Scoring ([paper: Lee & Hon 1989]): reference and hypothesis are folded to 39 classes, repeats collapsed,
// and aligned by Levenshtein distance; phone error rate = (substitutions + deletions + insertions) / N.
#include <armadillo>
#include <cstddef>
#include <vector>

namespace lecon::speech {

struct EditCounts {
  std::size_t substitutions = 0, deletions = 0, insertions = 0, reference_length = 0;
  std::size_t errors() const { return substitutions + deletions + insertions; }
  double error_rate() const { return reference_length == 0 ? 0.0 : static_cast<double>(errors()) / static_cast<double>(reference_length); }
  EditCounts& operator+=(const EditCounts& other);
};

// Levenshtein alignment of hypothesis against reference, unit costs; among alignments of least cost the
// counts of the first found in the order substitution, deletion, insertion.
EditCounts edit_distance(const std::vector<std::size_t>& reference, const std::vector<std::size_t>& hypothesis);

// Consecutive repeats merged: 3 3 5 5 5 3 -> 3 5 3.
std::vector<std::size_t> collapse_repeats(const std::vector<std::size_t>& labels);

// log P(first phone) and log P(j | i) over `classes` phones from phone strings, add-k smoothed.
struct PhoneBigram {
  arma::vec log_start;       // (classes)
  arma::mat log_transition;  // (classes x classes): (i, j) = log P(j | i)
};
PhoneBigram estimate_bigram(const std::vector<std::vector<std::size_t>>& sequences, std::size_t classes, double add_k = 1.0);

struct PhoneLoopOptions {
  std::size_t min_duration = 3;   // states per phone: a phone lasts at least this many frames
  double lm_weight = 1.0;         // weight of log P(j | i)
  double insertion_penalty = 0.0; // added at every phone change (negative: fewer phones)
};

// The best state path through the phone loop for one utterance. scores: (classes x frames) of
// log p(q | x_t) − log p(q). Returns the phone of every frame; consecutive frames of one phone token share
// it, and a token is never followed by the same phone, so collapse_repeats gives the phone string.
std::vector<std::size_t> viterbi_phone_loop(const arma::mat& scores, const PhoneBigram& bigram, const PhoneLoopOptions& options);

}  // namespace lecon::speech
