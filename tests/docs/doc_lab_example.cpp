// docs/labkit.md, block 1, compiled (see doc_examples.cpp).
#include "lecon/core.hpp"
#include "lecon/labkit/lab.hpp"

int main(int argc, char** argv) {
  lecon::LabProgram lab("01_neuron", "Activations, the perceptron and XOR", /*has_epochs=*/true);
  lab.options().add_options()("hidden", lecon::po::value<int>()->default_value(2), "hidden units");
  lab.writes("summary.{md,csv}", "what the perceptron and the network learn")   // listed by --help
     .writes("xor_network_output.{png,gp}", "the network's output over (x1, x2)");
  return lab.run(argc, argv, [&](const lecon::LabContext& ctx) {
    lecon::Rng rng(ctx.seed);
    const int hidden = ctx.options["hidden"].as<int>();
    const int epochs = ctx.epochs_or(/*quick=*/5, /*full=*/50);
    // ... ctx.out_path("loss") == "results/01_neuron_loss"
  });
}
