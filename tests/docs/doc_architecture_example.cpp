// docs/architecture.md, "Adding a lab", compiled (see doc_examples.cpp).
#include "lecon/labkit/lab.hpp"

   int main(int argc, char** argv) {
     lecon::LabProgram lab("03_backprop", "backpropagation on MNIST", /*has_epochs=*/true);
     lab.options().add_options()("hidden", lecon::po::value<int>()->default_value(100), "hidden units");
     return lab.run(argc, argv, [&](const lecon::LabContext& ctx) { /* the lab */ });
   }
   