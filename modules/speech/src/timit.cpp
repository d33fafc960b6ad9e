#include "lecon/speech/timit.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "lecon/core/error.hpp"
#include "lecon/speech/phones.hpp"

namespace lecon::speech {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The entries of dir, sorted by their lower-case name (the corpus comes upper case on the CD, lower case in
// many copies).
std::vector<fs::path> entries(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) out.push_back(e.path());
  std::sort(out.begin(), out.end(), [](const fs::path& a, const fs::path& b) { return lower(a.filename().string()) < lower(b.filename().string()); });
  return out;
}

// The entry of dir whose lower-case name is `name`, or an empty path.
fs::path find_entry(const fs::path& dir, const std::string& name) {
  for (const fs::path& p : entries(dir))
    if (lower(p.filename().string()) == name) return p;
  return {};
}

bool is_dialect(const std::string& name) { return name.size() == 3 && name.compare(0, 2, "dr") == 0 && name[2] >= '1' && name[2] <= '8'; }

}  // namespace

std::vector<TimitUtterance> scan_timit(const std::string& root) {
  if (!fs::is_directory(root)) throw FileError(root, "not a directory (expected the TIMIT corpus: TRAIN/ and TEST/ with DR1..DR8 inside)");
  std::vector<TimitUtterance> out;
  for (const std::string part : {"train", "test"}) {
    const fs::path part_dir = find_entry(root, part);
    if (part_dir.empty() || !fs::is_directory(part_dir))
      throw FileError(root, "no " + part + " folder (expected TRAIN/ and TEST/, upper or lower case)");
    for (const fs::path& dialect_dir : entries(part_dir)) {
      const std::string dialect = lower(dialect_dir.filename().string());
      if (!fs::is_directory(dialect_dir) || !is_dialect(dialect)) continue;
      for (const fs::path& speaker_dir : entries(dialect_dir)) {
        if (!fs::is_directory(speaker_dir)) continue;
        for (const fs::path& file : entries(speaker_dir)) {
          if (lower(file.extension().string()) != ".wav") continue;
          const std::string sentence = lower(file.stem().string());
          if (sentence.compare(0, 2, "sa") == 0) continue;  // the two dialect sentences every speaker read: excluded
          const fs::path phn = find_entry(speaker_dir, sentence + ".phn");
          if (phn.empty()) throw FileError(file.string(), "has no .PHN file beside it");
          out.push_back({file.string(), phn.string(), part, dialect, lower(speaker_dir.filename().string()), sentence});
        }
      }
    }
  }
  if (out.empty()) throw FileError(root, "no SI or SX utterances (.WAV with .PHN) under TRAIN/ and TEST/");
  return out;
}

const std::vector<std::string>& core_test_speakers() {
  // [thesis: Halberstadt 1998]  per dialect region DR1 .. DR8: two men, one woman
  static const std::vector<std::string> speakers = {"mdab0", "mwbt0", "felc0", "mtas1", "mwew0", "fpas0", "mjmp0", "mlnt0",
                                                    "fpkt0", "mlll0", "mtls0", "fjlm0", "mbpm0", "mklt0", "fnlp0", "mcmj0",
                                                    "mjdh0", "fmgd0", "mgrt0", "mnjm0", "fdhc0", "mjln0", "mpam0", "fmld0"};
  return speakers;
}

const std::vector<std::string>& development_speakers() {
  // [thesis: Halberstadt 1998]  the 50-speaker development set (Kaldi's egs/timit/s5/conf/dev_spk.list)
  static const std::vector<std::string> speakers = {
      "faks0", "fdac1", "fjem0", "mgwt0", "mjar0", "mmdb1", "mmdm2", "mpdf0", "fcmh0", "fkms0", "mbdg0", "mbwm0", "mcsh0",
      "fadg0", "fdms0", "fedw0", "mgjf0", "mglb0", "mrtk0", "mtaa0", "mtdt0", "mthc0", "mwjg0", "fnmr0", "frew0", "fsem0",
      "mbns0", "mmjr0", "mdls0", "mdlf0", "mdvc0", "mers0", "fmah0", "fdrw0", "mrcs0", "mrjm4", "fcal1", "mmwh0", "fjsj0",
      "majc0", "mjsw0", "mreb0", "fgjd0", "fjmg0", "mroa0", "mteb0", "mjfc0", "mrjr0", "fmml0", "mrws1"};
  return speakers;
}

TimitSets standard_sets(const std::vector<TimitUtterance>& all) {
  auto in = [](const std::vector<std::string>& list, const std::string& s) { return std::find(list.begin(), list.end(), s) != list.end(); };
  TimitSets sets;
  for (const TimitUtterance& u : all) {
    if (u.part == "train") sets.train.push_back(u);
    else if (in(core_test_speakers(), u.speaker)) sets.core_test.push_back(u);
    else if (in(development_speakers(), u.speaker)) sets.development.push_back(u);
  }
  return sets;
}

LoadedUtterance load_utterance(const TimitUtterance& u) {
  LoadedUtterance loaded;
  loaded.audio = read_sphere(u.audio_path);
  loaded.phones = read_segments(u.phone_path, static_cast<std::int64_t>(loaded.audio.samples.size()), true);
  for (const Segment& s : loaded.phones)
    if (std::find(timit61().begin(), timit61().end(), s.label) == timit61().end())
      throw FileError(u.phone_path, "phone '" + s.label + "' at sample " + std::to_string(s.begin) + " is not one of TIMIT's 61 symbols");
  return loaded;
}

}  // namespace lecon::speech
