#pragma once
// The recurrent cells by name, one factory for them all, and their registration for model files.
#include <memory>
#include <string>

#include "lecon/rnn/recurrent.hpp"

namespace lecon {

enum class RecurrentCell { simple_rnn, lstm, slide_lstm, gru };

// "rnn", "lstm", "slide_lstm", "gru" (what a lab's --cell option takes); cell_from_name throws OptionError
// naming the option otherwise.
std::string cell_name(RecurrentCell cell);
RecurrentCell cell_from_name(const std::string& name);

// SimpleRNN, LSTM, SlideLSTM or GRU with d = inputs features per step.
template <typename T>
std::unique_ptr<Recurrent<T>> make_recurrent(RecurrentCell cell, std::size_t inputs, const RecurrentOptions& options, Rng& rng);

// Makes load_model know SimpleRNN, LSTM, SlideLSTM, GRU, Bidirectional and TimeDistributedDense (call once
// before loading such a model).
void register_rnn_layers();

}  // namespace lecon
