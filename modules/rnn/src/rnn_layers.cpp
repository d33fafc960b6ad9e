#include "lecon/rnn/rnn_layers.hpp"

#include "lecon/backprop/model_io.hpp"
#include "lecon/rnn/bidirectional.hpp"
#include "lecon/rnn/gru.hpp"
#include "lecon/rnn/lstm.hpp"
#include "lecon/rnn/simple_rnn.hpp"
#include "lecon/rnn/slide_lstm.hpp"
#include "lecon/rnn/time_distributed.hpp"

namespace lecon {

std::string cell_name(RecurrentCell cell) {
  switch (cell) {
    case RecurrentCell::simple_rnn: return "rnn";
    case RecurrentCell::lstm: return "lstm";
    case RecurrentCell::slide_lstm: return "slide_lstm";
    case RecurrentCell::gru: return "gru";
  }
  return "?";
}

RecurrentCell cell_from_name(const std::string& name) {
  for (RecurrentCell c : {RecurrentCell::simple_rnn, RecurrentCell::lstm, RecurrentCell::slide_lstm, RecurrentCell::gru})
    if (cell_name(c) == name) return c;
  throw OptionError("cell: expected rnn, lstm, slide_lstm or gru, got '" + name + "'");
}

template <typename T>
std::unique_ptr<Recurrent<T>> make_recurrent(RecurrentCell cell, std::size_t inputs, const RecurrentOptions& options, Rng& rng) {
  switch (cell) {
    case RecurrentCell::simple_rnn: return std::make_unique<SimpleRNN<T>>(inputs, options, rng);
    case RecurrentCell::lstm: return std::make_unique<LSTM<T>>(inputs, options, rng);
    case RecurrentCell::slide_lstm: return std::make_unique<SlideLSTM<T>>(inputs, options, rng);
    case RecurrentCell::gru: return std::make_unique<GRU<T>>(inputs, options, rng);
  }
  throw Error("make_recurrent: unknown cell");
}

namespace {

// The options a recurrent layer saved (recurrent.hpp, Recurrent::config).
RecurrentOptions options_from(const LayerConfig& c) {
  RecurrentOptions o(c.size("hidden_units"));
  o.return_sequences = c.size("return_sequences") != 0;
  o.masked = c.size("masked") != 0;
  if (c.values().count("reverse")) o.reverse = c.size("reverse") != 0;
  if (c.values().count("truncation")) o.truncation = c.size("truncation");
  o.check();
  return o;
}

// Parameter counts of one cell with d inputs and H hidden units, as expect_parameters takes them.
std::size_t gate_blocks(RecurrentCell cell) {
  return cell == RecurrentCell::simple_rnn ? 1 : cell == RecurrentCell::gru ? 3 : 4;
}

// The layer kind a cell is saved under (its class name).
std::string kind_of(RecurrentCell cell) {
  switch (cell) {
    case RecurrentCell::simple_rnn: return "SimpleRNN";
    case RecurrentCell::lstm: return "LSTM";
    case RecurrentCell::slide_lstm: return "SlideLSTM";
    case RecurrentCell::gru: return "GRU";
  }
  return "?";
}

}  // namespace

void register_rnn_layers() {
  auto add = [](auto tag) {
    using T = decltype(tag);
    for (RecurrentCell cell : {RecurrentCell::simple_rnn, RecurrentCell::lstm, RecurrentCell::slide_lstm, RecurrentCell::gru}) {
      register_layer<T>(kind_of(cell), [cell](const LayerConfig& c) -> LayerPtr<T> {
        const std::size_t d = c.size("inputs"), H = c.size("hidden_units"), G = gate_blocks(cell);
        if (cell == RecurrentCell::slide_lstm)
          c.expect_parameters({{4, H, d}, {3, H, H}, {4, H}});  // W, U, b
        else
          c.expect_parameters({{G, H, d}, {G, H, H}, {G, H}, {G, H}});  // weight_ih, weight_hh, bias_ih, bias_hh
        Rng unused(0);  // the weights are read from the file right after
        return make_recurrent<T>(cell, d, options_from(c), unused);
      });
    }
    register_layer<T>("Bidirectional", [](const LayerConfig& c) -> LayerPtr<T> {
      const std::size_t number = c.size("cell");
      if (number > static_cast<std::size_t>(RecurrentCell::gru)) throw Error("unknown recurrent cell number " + std::to_string(number));
      const auto cell = static_cast<RecurrentCell>(number);
      const std::size_t d = c.size("inputs"), H = c.size("hidden_units"), G = gate_blocks(cell);
      if (cell == RecurrentCell::slide_lstm)
        c.expect_parameters({{4, H, d}, {3, H, H}, {4, H}, {4, H, d}, {3, H, H}, {4, H}});
      else
        c.expect_parameters({{G, H, d}, {G, H, H}, {G, H}, {G, H}, {G, H, d}, {G, H, H}, {G, H}, {G, H}});
      Rng unused(0);
      return std::make_unique<Bidirectional<T>>(cell, d, options_from(c), unused);
    });
    register_layer<T>("TimeDistributedDense", [](const LayerConfig& c) -> LayerPtr<T> {
      const std::size_t inputs = c.size("inputs"), units = c.size("units");
      c.expect_parameters({{units, inputs}, {units}});  // W, b
      Rng unused(0);
      return std::make_unique<TimeDistributedDense<T>>(inputs, units, unused, c.size("masked") != 0);
    });
  };
  add(float{});
  add(double{});
}

template std::unique_ptr<Recurrent<float>> make_recurrent<float>(RecurrentCell, std::size_t, const RecurrentOptions&, Rng&);
template std::unique_ptr<Recurrent<double>> make_recurrent<double>(RecurrentCell, std::size_t, const RecurrentOptions&, Rng&);

}  // namespace lecon
