#include "lecon/backprop/pipeline.hpp"

#include <cmath>

#include "lecon/core/hdf5_io.hpp"

namespace lecon {
namespace {

const char* const kGroup = "/pipeline";

}  // namespace

void Pipeline::apply(arma::Mat<Real>& x) const {
  if (!feature_names.empty() && x.n_rows != feature_names.size())
    throw Error("the model takes " + std::to_string(feature_names.size()) + " input values per sample, given " + std::to_string(x.n_rows));
  switch (scaling) {
    case Scaling::none: return;
    case Scaling::standardize: standardizer.apply(x); return;
    case Scaling::scale: x *= static_cast<Real>(scale); return;
  }
}

std::string scaling_name(Pipeline::Scaling scaling) {
  switch (scaling) {
    case Pipeline::Scaling::none: return "none";
    case Pipeline::Scaling::standardize: return "standardize";
    case Pipeline::Scaling::scale: return "scale";
  }
  return "none";
}

Pipeline::Scaling scaling_from_name(const std::string& name) {
  for (Pipeline::Scaling s : {Pipeline::Scaling::none, Pipeline::Scaling::standardize, Pipeline::Scaling::scale})
    if (scaling_name(s) == name) return s;
  throw Error("scaling '" + name + "': expected none, standardize or scale");
}

void write_pipeline(H5Writer& file, const Pipeline& p) {
  file.set_attribute(kGroup, "task", p.task);
  file.set_attribute(kGroup, "scaling", scaling_name(p.scaling));
  file.set_attribute(kGroup, "target", p.target);
  if (!p.feature_names.empty()) file.set_attribute(kGroup, "feature_names", p.feature_names);
  if (!p.class_names.empty()) file.set_attribute(kGroup, "class_names", p.class_names);
  if (p.scaling == Pipeline::Scaling::scale) file.set_attribute(kGroup, "scale", p.scale);
  if (p.task == "regression") {
    file.set_attribute(kGroup, "target_mean", p.target_mean);
    file.set_attribute(kGroup, "target_sd", p.target_sd);
  }
  if (p.scaling == Pipeline::Scaling::standardize) {
    const arma::Col<Real>& mean = p.standardizer.mean();
    file.write(std::string(kGroup) + "/mean", Tensor<Real>(Shape{mean.n_elem}, arma::Mat<Real>(mean.t())));
    file.write(std::string(kGroup) + "/sd", Tensor<Real>(Shape{mean.n_elem}, arma::Mat<Real>(p.standardizer.sd().t())));
  }
  for (const auto& [key, value] : p.trained_with) file.set_attribute(std::string(kGroup) + "/trained_with", key, value);
}

Pipeline read_pipeline(const H5Reader& file) {
  Pipeline p;
  if (!file.exists(kGroup)) return p;
  const std::string& path = file.path();
  const std::string group = kGroup;
  auto text = [&](const std::string& key) { return file.has_attribute(group, key) ? file.attribute_string(group, key) : std::string(); };
  auto strings = [&](const std::string& key) {
    return file.has_attribute(group, key) ? file.attribute_strings(group, key) : std::vector<std::string>{};
  };
  auto finite = [&](const std::string& key, bool positive) {
    if (!file.has_attribute(group, key)) throw FileError(path, group + "@" + key + " is missing");
    const double value = file.attribute_number(group, key);
    if (!std::isfinite(value) || (positive && !(value > 0)))
      throw FileError(path, group + "@" + key + " is not a " + (positive ? "positive " : "") + "finite number");
    return value;
  };
  p.task = text("task");
  if (p.task != "" && p.task != "classification" && p.task != "regression")
    throw FileError(path, group + "@task = '" + p.task + "', expected classification or regression");
  try {
    p.scaling = scaling_from_name(text("scaling").empty() ? "none" : text("scaling"));
  } catch (const Error& e) {
    throw FileError(path, group + "@" + e.what());
  }
  p.target = text("target");
  p.feature_names = strings("feature_names");
  p.class_names = strings("class_names");
  if (p.task == "classification" && p.class_names.empty()) throw FileError(path, group + ": a classifier without class_names");
  if (p.scaling == Pipeline::Scaling::scale) p.scale = finite("scale", true);
  if (p.task == "regression") {
    p.target_mean = finite("target_mean", false);
    p.target_sd = finite("target_sd", true);
  }
  if (p.scaling == Pipeline::Scaling::standardize) {
    for (const char* name : {"/mean", "/sd"})
      if (!file.exists(group + name)) throw FileError(path, group + name + ": missing (scaling is standardize)");
    const Tensor<Real> mean = file.read<Real>(group + "/mean"), sd = file.read<Real>(group + "/sd");
    if (mean.shape().rank() != 1 || sd.shape() != mean.shape())
      throw FileError(path, group + "/mean and /sd: shapes " + mean.shape().str() + " and " + sd.shape().str() + ", expected two of (d)");
    if (!p.feature_names.empty() && mean.size() != p.feature_names.size())
      throw FileError(path, group + "/mean: " + std::to_string(mean.size()) + " values for " + std::to_string(p.feature_names.size()) + " features");
    try {
      p.standardizer = Standardizer(arma::Col<Real>(mean.data(), mean.size()), arma::Col<Real>(sd.data(), sd.size()));
    } catch (const Error& e) {
      throw FileError(path, group + ": " + e.what());
    }
  }
  const std::string trained = group + "/trained_with";
  if (file.exists(trained))
    for (const std::string& key : file.attribute_names(trained)) p.trained_with[key] = file.attribute_string(trained, key);
  return p;
}

Pipeline load_pipeline(const std::string& path) { return read_pipeline(H5Reader(path, Integrity::required)); }

}  // namespace lecon
