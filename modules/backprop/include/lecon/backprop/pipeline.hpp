#pragma once
// The input pipeline a model was trained with, saved in the model file beside its layers, so that a loaded
// model predicts from raw data with nothing else: which columns it reads, how they are scaled, what its
// outputs mean (class names, or the target's scale for regression), and how it was trained.
//
// In the file (save_model / save_checkpoint with a Pipeline; h5py shows every piece as text or numbers):
//   /pipeline            attributes: task ("classification" or "regression"), scaling ("none",
//                        "standardize" or "scale"), feature_names (d strings), target (text),
//                        class_names (k strings, classification), scale (scaling = "scale"),
//                        target_mean, target_sd (regression)
//   /pipeline/mean, /pipeline/sd   float32 (d), scaling = "standardize": the Standardizer
//   /pipeline/trained_with         attributes: how the model was trained, as text (the tool's options)
// A model file without /pipeline (saved by save_model(path, model), or before pipelines were stored) loads
// with an empty Pipeline: the caller scales the inputs itself, as before.
#include <map>
#include <string>
#include <vector>

#include "lecon/core/dataset.hpp"

namespace lecon {

class H5Writer;
class H5Reader;

struct Pipeline {
  enum class Scaling { none, standardize, scale };

  std::string task;                          // "classification", "regression", or "" when not recorded
  Scaling scaling = Scaling::none;
  Standardizer standardizer;                 // standardize: x' = (x - mean) / sd per feature (dataset.hpp)
  double scale = 1;                          // scale: x' = scale · x (pixels 0-255 -> [0, 1]: 1/255)
  std::vector<std::string> feature_names;    // (d) the input columns, in the model's order
  std::string target;                        // the name of the column the model predicts
  std::vector<std::string> class_names;      // (k) classification: output k is class_names[k]
  double target_mean = 0, target_sd = 1;     // regression: the model's output is (y - target_mean) / target_sd
  std::map<std::string, std::string> trained_with;  // how it was trained, for people (option -> value)

  bool empty() const { return task.empty() && scaling == Scaling::none && feature_names.empty(); }
  // Raw inputs to the model's inputs, in place.   x: (d x n), one sample per column
  void apply(arma::Mat<Real>& x) const;
  // A regression output back in the target's units: y = target_sd · output + target_mean.
  double target_value(double output) const { return target_sd * output + target_mean; }
};

// "none", "standardize", "scale" and back; an unknown word is an Error listing these.
std::string scaling_name(Pipeline::Scaling scaling);
Pipeline::Scaling scaling_from_name(const std::string& name);

// Under /pipeline of a file being written.
void write_pipeline(H5Writer& file, const Pipeline& pipeline);
// From /pipeline, checked (sizes agree, numbers finite, sd >= 0, known words); an empty Pipeline when the
// file has none. Throws FileError naming the file and the attribute.
Pipeline read_pipeline(const H5Reader& file);
// The pipeline of a model file or checkpoint (checksum required, as for load_model).
Pipeline load_pipeline(const std::string& path);

}  // namespace lecon
