#include "lecon/speech/decoding.hpp"

#include <cmath>
#include <limits>

#include "lecon/core/error.hpp"

namespace lecon::speech {

EditCounts& EditCounts::operator+=(const EditCounts& other) {
  substitutions += other.substitutions;
  deletions += other.deletions;
  insertions += other.insertions;
  reference_length += other.reference_length;
  return *this;
}

EditCounts edit_distance(const std::vector<std::size_t>& reference, const std::vector<std::size_t>& hypothesis) {
  const std::size_t n = reference.size(), m = hypothesis.size();
  // cost(i, j): the least edits turning reference[0, i) into hypothesis[0, j)
  std::vector<std::vector<std::size_t>> cost(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) cost[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) cost[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j)
      cost[i][j] = std::min({cost[i - 1][j - 1] + (reference[i - 1] == hypothesis[j - 1] ? 0u : 1u), cost[i - 1][j] + 1, cost[i][j - 1] + 1});
  EditCounts counts;
  counts.reference_length = n;
  std::size_t i = n, j = m;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && cost[i][j] == cost[i - 1][j - 1] + (reference[i - 1] == hypothesis[j - 1] ? 0u : 1u)) {
      counts.substitutions += reference[i - 1] != hypothesis[j - 1];
      --i, --j;
    } else if (i > 0 && cost[i][j] == cost[i - 1][j] + 1) {
      ++counts.deletions;
      --i;
    } else {
      ++counts.insertions;
      --j;
    }
  }
  return counts;
}

std::vector<std::size_t> collapse_repeats(const std::vector<std::size_t>& labels) {
  std::vector<std::size_t> out;
  for (std::size_t label : labels)
    if (out.empty() || out.back() != label) out.push_back(label);
  return out;
}

PhoneBigram estimate_bigram(const std::vector<std::vector<std::size_t>>& sequences, std::size_t classes, double add_k) {
  if (classes == 0 || !(add_k > 0 && std::isfinite(add_k))) throw Error("estimate_bigram: need classes > 0 and a finite add_k > 0");
  arma::vec start(classes, arma::fill::value(add_k));
  arma::mat counts(classes, classes, arma::fill::value(add_k));
  for (const std::vector<std::size_t>& s : sequences) {
    for (std::size_t t = 0; t < s.size(); ++t) {
      if (s[t] >= classes) throw Error("estimate_bigram: phone index " + std::to_string(s[t]) + " >= " + std::to_string(classes) + " classes");
      if (t == 0) start(s[t]) += 1;
      else counts(s[t - 1], s[t]) += 1;
    }
  }
  PhoneBigram bigram;
  bigram.log_start = arma::log(start / arma::accu(start));
  bigram.log_transition = arma::log(counts.each_col() / arma::sum(counts, 1));
  return bigram;
}

std::vector<std::size_t> viterbi_phone_loop(const arma::mat& scores, const PhoneBigram& bigram, const PhoneLoopOptions& options) {
  const std::size_t classes = scores.n_rows, frames = scores.n_cols, D = std::max<std::size_t>(1, options.min_duration);
  if (bigram.log_start.n_elem != classes || bigram.log_transition.n_rows != classes || bigram.log_transition.n_cols != classes)
    throw Error("viterbi_phone_loop: scores have " + std::to_string(classes) + " classes, the bigram " + std::to_string(bigram.log_start.n_elem));
  if (frames == 0) return {};
  const double minus_inf = -std::numeric_limits<double>::infinity();
  const std::size_t states = classes * D;  // state (q, d) = q * D + d
  // delta(s): the best log score of a path ending in state s at frame t; from(t, s): its predecessor at t − 1.
  arma::vec delta(states, arma::fill::value(minus_inf)), next(states);
  arma::Mat<arma::uword> from(states, frames, arma::fill::zeros);
  for (std::size_t q = 0; q < classes; ++q) delta(q * D) = options.lm_weight * bigram.log_start(q) + scores(q, 0);
  for (std::size_t t = 1; t < frames; ++t) {
    next.fill(minus_inf);
    for (std::size_t q = 0; q < classes; ++q) {
      // inside phone q: (q, d−1) -> (q, d), and the last state loops
      for (std::size_t d = 1; d < D; ++d) {
        next(q * D + d) = delta(q * D + d - 1);
        from(q * D + d, t) = q * D + d - 1;
      }
      const std::size_t last = q * D + D - 1;
      if (delta(last) > next(last)) {
        next(last) = delta(last);
        from(last, t) = last;
      }
    }
    // entering phone j from the last state of phone i ≠ j: lm_weight · log P(j | i) + insertion penalty
    for (std::size_t j = 0; j < classes; ++j) {
      double best = minus_inf;
      arma::uword best_from = 0;
      for (std::size_t i = 0; i < classes; ++i) {
        if (i == j) continue;
        const double v = delta(i * D + D - 1) + options.lm_weight * bigram.log_transition(i, j);
        if (v > best) best = v, best_from = i * D + D - 1;
      }
      best += options.insertion_penalty;
      const std::size_t entry = j * D;
      if (D == 1) {  // the entry state is also the looping last state: keep the better of staying and entering
        if (best > next(entry)) next(entry) = best, from(entry, t) = best_from;
      } else {
        next(entry) = best;
        from(entry, t) = best_from;
      }
    }
    for (std::size_t q = 0; q < classes; ++q)
      for (std::size_t d = 0; d < D; ++d) next(q * D + d) += scores(q, t);
    delta.swap(next);
  }
  // The path must end in a phone's last state (a whole phone), unless the utterance is shorter than D frames.
  arma::uword state = 0;
  double best = minus_inf;
  for (std::size_t q = 0; q < classes; ++q)
    if (delta(q * D + D - 1) > best) best = delta(q * D + D - 1), state = q * D + D - 1;
  if (best == minus_inf) state = delta.index_max();
  std::vector<std::size_t> path(frames);
  for (std::size_t t = frames; t-- > 0;) {
    path[t] = state / D;
    if (t > 0) state = from(state, t);
  }
  return path;
}

}  // namespace lecon::speech
