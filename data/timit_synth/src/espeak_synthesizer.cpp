#include "lecon/timit_synth/espeak_synthesizer.hpp"

#include <espeak-ng/speak_lib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "lecon/core/error.hpp"

namespace lecon::timit_synth {
namespace {

bool initialised = false;  // espeak-ng is initialised at most once per process (it has no per-instance state)

// The child's result, filled by the callback (only the child process ever speaks, one utterance, then exits).
Synthesis* child_result = nullptr;

int on_synthesis(short* wav, int count, espeak_EVENT* events) {
  if (wav != nullptr && count > 0) child_result->samples.insert(child_result->samples.end(), wav, wav + count);
  for (espeak_EVENT* event = events; event->type != espeakEVENT_LIST_TERMINATED; ++event) {
    if (event->type == espeakEVENT_PHONEME) {
      // id.string holds up to 8 bytes, not always terminated.
      const std::size_t length = strnlen(event->id.string, sizeof(event->id.string));
      child_result->phonemes.push_back({std::string(event->id.string, length), event->sample});
    } else if (event->type == espeakEVENT_WORD) {
      // text_position counts characters from 1.
      child_result->words.push_back({event->text_position - 1, event->length, child_result->phonemes.size()});
    }
  }
  return 0;  // continue
}

// The pipe protocol: a status byte (0 ok, 1 error + message), then the samples and the events.
void write_all(int fd, const void* data, std::size_t size) {
  const char* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, bytes, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(3);
    bytes += n;
    size -= static_cast<std::size_t>(n);
  }
}
void write_u64(int fd, std::uint64_t value) { write_all(fd, &value, sizeof value); }
void write_string(int fd, const std::string& text) {
  write_u64(fd, text.size());
  write_all(fd, text.data(), text.size());
}

class Reader {
 public:
  explicit Reader(std::string bytes) : bytes_(std::move(bytes)) {}
  void read(void* out, std::size_t size) {
    if (size > bytes_.size() - at_) throw Error("espeak-ng child process: its answer is cut short");
    std::memcpy(out, bytes_.data() + at_, size);
    at_ += size;
  }
  std::uint64_t u64() {
    std::uint64_t value = 0;
    read(&value, sizeof value);
    return value;
  }
  std::string string() {
    const std::uint64_t size = u64();
    if (size > bytes_.size() - at_) throw Error("espeak-ng child process: its answer is cut short");
    std::string text = bytes_.substr(at_, size);
    at_ += size;
    return text;
  }

 private:
  std::string bytes_;
  std::size_t at_ = 0;
};

[[noreturn]] void speak_in_child(int fd, const std::string& text, const EspeakVoice& voice, std::uint32_t random_seed) {
  Synthesis result;
  child_result = &result;
  std::srand(random_seed);  // espeak-ng's breath noise draws from libc's rand()
  const auto fail = [fd](const std::string& message) {
    const char status = 1;
    write_all(fd, &status, 1);
    write_string(fd, message);
    _exit(0);
  };
  if (espeak_SetVoiceByName(voice.name.c_str()) != EE_OK) fail("espeak-ng has no voice '" + voice.name + "'");
  if (espeak_SetParameter(espeakRATE, voice.rate_wpm, 0) != EE_OK || espeak_SetParameter(espeakPITCH, voice.pitch, 0) != EE_OK)
    fail("espeak-ng refused rate " + std::to_string(voice.rate_wpm) + " or pitch " + std::to_string(voice.pitch));
  if (espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, nullptr) != EE_OK ||
      espeak_Synchronize() != EE_OK)
    fail("espeak-ng failed to speak '" + text + "'");
  const char status = 0;
  write_all(fd, &status, 1);
  write_u64(fd, result.samples.size());
  write_all(fd, result.samples.data(), result.samples.size() * sizeof(std::int16_t));
  write_u64(fd, result.phonemes.size());
  for (const SpokenPhoneme& phoneme : result.phonemes) {
    write_string(fd, phoneme.name);
    write_u64(fd, static_cast<std::uint64_t>(phoneme.sample));
  }
  write_u64(fd, result.words.size());
  for (const SpokenWord& word : result.words) {
    write_u64(fd, static_cast<std::uint64_t>(word.text_begin));
    write_u64(fd, static_cast<std::uint64_t>(word.text_length));
    write_u64(fd, word.first_phoneme);
  }
  ::close(fd);
  _exit(0);
}

}  // namespace

EspeakSynthesizer::EspeakSynthesizer() {
  if (initialised) throw Error("EspeakSynthesizer: espeak-ng is already initialised in this process (make one synthesizer and share it)");
  sample_rate_ = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, espeakINITIALIZE_PHONEME_EVENTS | espeakINITIALIZE_DONT_EXIT);
  if (sample_rate_ <= 0) throw Error("espeak-ng could not be initialised (is espeak-ng-data installed? apt-get install espeak-ng-data)");
  initialised = true;
  espeak_SetSynthCallback(on_synthesis);
  const char* data_path = nullptr;
  version_ = espeak_Info(&data_path);
}

// espeak_Terminate followed by a new espeak_Initialize hangs in espeak-ng 1.51, so the library stays
// initialised until the process ends and a later EspeakSynthesizer reuses it.
EspeakSynthesizer::~EspeakSynthesizer() { initialised = false; }

Synthesis EspeakSynthesizer::speak(const std::string& text, const EspeakVoice& voice, std::uint32_t random_seed) const {
  int fds[2];
  if (::pipe(fds) != 0) throw Error(std::string("espeak-ng: cannot make a pipe: ") + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw Error(std::string("espeak-ng: cannot fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::close(fds[0]);
    speak_in_child(fds[1], text, voice, random_seed);
  }
  ::close(fds[1]);
  std::string bytes;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || bytes.empty())
    throw Error("espeak-ng child process for voice " + voice.name + " ended abnormally (status " + std::to_string(status) + ") on '" + text + "'");

  Reader reader(std::move(bytes));
  char ok = 0;
  reader.read(&ok, 1);
  if (ok != 0) throw Error(reader.string());
  Synthesis result;
  result.sample_rate = sample_rate_;
  result.samples.resize(reader.u64());
  reader.read(result.samples.data(), result.samples.size() * sizeof(std::int16_t));
  result.phonemes.resize(reader.u64());
  for (SpokenPhoneme& phoneme : result.phonemes) {
    phoneme.name = reader.string();
    phoneme.sample = static_cast<std::int64_t>(reader.u64());
  }
  result.words.resize(reader.u64());
  for (SpokenWord& word : result.words) {
    word.text_begin = static_cast<std::int64_t>(reader.u64());
    word.text_length = static_cast<std::int64_t>(reader.u64());
    word.first_phoneme = reader.u64();
  }
  return result;
}

}  // namespace lecon::timit_synth
