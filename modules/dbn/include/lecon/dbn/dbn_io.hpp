#pragma once
// Saving and loading a pretrained DBN as one HDF5 file (readable by h5py), written atomically with lecon's
// checksum header like the model files (hdf5_io.hpp, docs/reliability.md):
//   /        attributes: format = "lecon-dbn-1", layers K
//   /rbm<k>  k = 0 .. K−1, attributes visible_units, hidden_units, visible_kind, hidden_kind
//            (0 bernoulli, 1 gaussian); datasets W (m x d), b (d), c (m), as save_rbm lays out one RBM
#include <string>

#include "lecon/dbn/dbn.hpp"

namespace lecon {

template <typename T>
void save_dbn(const std::string& path, const Dbn<T>& dbn);

// Throws FileError naming the file (one line) for a missing, damaged (checksum) or foreign file, a layer
// count or sizes out of range, weights of another shape than the sizes say, NaN/infinite weights, or
// layers whose sizes or unit kinds do not chain.
template <typename T>
Dbn<T> load_dbn(const std::string& path);

}  // namespace lecon
