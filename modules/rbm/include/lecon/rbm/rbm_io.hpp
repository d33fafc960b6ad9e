#pragma once
// Saving and loading one RBM as HDF5 (readable by h5py), written atomically and with lecon's checksum
// header like the model files (hdf5_io.hpp, docs/reliability.md):
//   /    attributes: format = "lecon-rbm-1", visible_units d, hidden_units m,
//        visible_kind, hidden_kind (0 bernoulli, 1 gaussian)
//   /W   (m x d) weights, read by h5py as (d, m)
//   /b   visible biases (d),  /c  hidden biases (m), each read by h5py as (1, units)
#include <string>

#include "lecon/rbm/rbm.hpp"

namespace lecon {

class H5Writer;
class H5Reader;

template <typename T>
void save_rbm(const std::string& path, const Rbm<T>& rbm);

// Throws FileError naming the file (one line) for a missing, damaged (checksum) or foreign file, sizes
// or unit kinds out of range, weights of another shape than the sizes say, or NaN/infinite weights.
template <typename T>
Rbm<T> load_rbm(const std::string& path);

// One RBM's sizes, unit kinds (attributes) and W, b, c (datasets) under `group` of an open file, "" for the
// root: what save_rbm writes, and what a stack of RBMs (modules/dbn) writes once per layer. read_rbm checks
// them as load_rbm does (FileError naming the file, each message prefixed with the group).
template <typename T>
void write_rbm(H5Writer& file, const std::string& group, const Rbm<T>& rbm);
template <typename T>
Rbm<T> read_rbm(const H5Reader& file, const std::string& group);

}  // namespace lecon
