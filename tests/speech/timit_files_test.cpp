// TIMIT's files and phone set: the 61/48/39 foldings, SPHERE audio and .PHN/.WRD/.TXT transcriptions,
// all on files these tests write (issue 17; docs/speech.md).
#include <boost/test/unit_test.hpp>
#include <set>

#include "lecon/speech/phones.hpp"
#include "lecon/speech/sphere.hpp"
#include "lecon/speech/targets.hpp"
#include "lecon/speech/transcription.hpp"
#include "test_util.hpp"

using namespace lecon;
using namespace lecon::speech;
using lecon::test::check_error;
using lecon::test::ScratchDir;
using lecon::test::write_bytes;
using lecon::test::write_text;

BOOST_AUTO_TEST_SUITE(speech_phones)

BOOST_AUTO_TEST_CASE(the_sets_have_61_48_and_39_distinct_symbols) {
  for (const auto* set : {&timit61(), &timit48(), &timit39()}) {
    const std::set<std::string> distinct(set->begin(), set->end());
    BOOST_CHECK_EQUAL(distinct.size(), set->size());
  }
  BOOST_CHECK_EQUAL(timit61().size(), 61u);
  BOOST_CHECK_EQUAL(timit48().size(), 48u);
  BOOST_CHECK_EQUAL(timit39().size(), 39u);
}

BOOST_AUTO_TEST_CASE(lee_and_hon_foldings) {
  // 61 -> 48: closures by voicing, silences, the merged allophones, q removed.
  BOOST_CHECK_EQUAL(fold_61_to_48("bcl"), "vcl");
  BOOST_CHECK_EQUAL(fold_61_to_48("kcl"), "cl");
  BOOST_CHECK_EQUAL(fold_61_to_48("h#"), "sil");
  BOOST_CHECK_EQUAL(fold_61_to_48("pau"), "sil");
  BOOST_CHECK_EQUAL(fold_61_to_48("epi"), "epi");
  BOOST_CHECK_EQUAL(fold_61_to_48("ax-h"), "ax");
  BOOST_CHECK_EQUAL(fold_61_to_48("axr"), "er");
  BOOST_CHECK_EQUAL(fold_61_to_48("nx"), "n");
  BOOST_CHECK_EQUAL(fold_61_to_48("hv"), "hh");
  BOOST_CHECK_EQUAL(fold_61_to_48("ux"), "uw");
  BOOST_CHECK_EQUAL(fold_61_to_48("q"), "");
  BOOST_CHECK_EQUAL(fold_61_to_48("iy"), "iy");
  // 48 -> 39
  BOOST_CHECK_EQUAL(fold_48_to_39("ao"), "aa");
  BOOST_CHECK_EQUAL(fold_48_to_39("zh"), "sh");
  BOOST_CHECK_EQUAL(fold_48_to_39("el"), "l");
  BOOST_CHECK_EQUAL(fold_48_to_39("vcl"), "sil");
  BOOST_CHECK_EQUAL(fold_48_to_39("epi"), "sil");
  BOOST_CHECK_EQUAL(fold_61_to_39("ix"), "ih");
  BOOST_CHECK_EQUAL(fold_61_to_39("em"), "m");
  BOOST_CHECK_EQUAL(fold_61_to_39("q"), "");
  // Every 61-symbol folds into the smaller sets; nine 61-symbols land on sil in the 39 set.
  int silences = 0;
  for (const std::string& p : timit61()) {
    const std::string p39 = fold_61_to_39(p);
    if (p == "q") continue;
    BOOST_CHECK_NO_THROW(phone_index(timit39(), p39));
    silences += p39 == "sil";
  }
  BOOST_CHECK_EQUAL(silences, 9);  // 6 closures, pau, epi, h#
  check_error<Error>([] { fold_61_to_48("xx"); }, {"'xx'", "61 symbols"});
  check_error<Error>([] { phone_index(timit39(), "ao"); }, {"'ao'", "39-phone set"});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(speech_files)

BOOST_AUTO_TEST_CASE(sphere_round_trip_and_header) {
  ScratchDir dir("sphere");
  const std::vector<std::int16_t> samples = {0, 1, -1, 32767, -32768, 1234, -4321};
  write_sphere(dir.file("a.wav"), samples, 16000, {{"database_id", "TIMIT"}, {"utterance_id", "mdab0_sx109"}});
  const std::vector<std::uint8_t> bytes = lecon::test::read_all(dir.file("a.wav"));
  BOOST_REQUIRE_EQUAL(bytes.size(), 1024u + 2 * samples.size());
  const std::string header(bytes.begin(), bytes.begin() + 1024);
  BOOST_CHECK_EQUAL(header.substr(0, 16), "NIST_1A\n   1024\n");
  BOOST_CHECK(header.find("database_id -s5 TIMIT\n") != std::string::npos);
  BOOST_CHECK(header.find("sample_count -i 7\n") != std::string::npos);
  BOOST_CHECK(header.find("sample_max -i 32767\n") != std::string::npos);
  BOOST_CHECK_EQUAL(bytes[1024 + 2 * 3], 0xff);  // 32767 little-endian: ff 7f
  BOOST_CHECK_EQUAL(bytes[1024 + 2 * 3 + 1], 0x7f);
  const SphereAudio audio = read_sphere(dir.file("a.wav"));
  BOOST_CHECK_EQUAL(audio.sample_rate, 16000);
  BOOST_CHECK(audio.samples == samples);
  BOOST_CHECK_EQUAL(audio.fields.at("utterance_id"), "mdab0_sx109");
}

BOOST_AUTO_TEST_CASE(sphere_big_endian_is_read) {
  ScratchDir dir("sphere-be");
  std::string header = "NIST_1A\n   1024\nsample_count -i 2\nsample_rate -i 8000\nsample_n_bytes -i 2\nsample_byte_format -s2 10\nend_head\n";
  header.resize(1024, ' ');
  std::vector<std::uint8_t> bytes(header.begin(), header.end());
  for (std::uint8_t b : {0x01, 0x02, 0xff, 0xfe}) bytes.push_back(b);
  write_bytes(dir.file("be.wav"), bytes);
  const SphereAudio audio = read_sphere(dir.file("be.wav"));
  BOOST_CHECK_EQUAL(audio.sample_rate, 8000);
  BOOST_REQUIRE_EQUAL(audio.samples.size(), 2u);
  BOOST_CHECK_EQUAL(audio.samples[0], 0x0102);
  BOOST_CHECK_EQUAL(audio.samples[1], -2);
}

BOOST_AUTO_TEST_CASE(bad_sphere_files_are_one_line_errors) {
  ScratchDir dir("sphere-bad");
  write_sphere(dir.file("good.wav"), std::vector<std::int16_t>(100, 5), 16000);
  std::vector<std::uint8_t> good = lecon::test::read_all(dir.file("good.wav"));
  // Truncated: the data part is shorter than sample_count promises.
  std::vector<std::uint8_t> cut(good.begin(), good.end() - 10);
  write_bytes(dir.file("cut.wav"), cut);
  check_error<FileError>([&] { read_sphere(dir.file("cut.wav")); }, {"cut.wav", "truncated", "100 samples"});
  // A header that lies: more data than promised.
  std::vector<std::uint8_t> more = good;
  more.insert(more.end(), 20, 0);
  write_bytes(dir.file("lies.wav"), more);
  check_error<FileError>([&] { read_sphere(dir.file("lies.wav")); }, {"lies.wav", "promises 100 samples", "220 bytes"});
  // Shorter than its header.
  write_bytes(dir.file("short.wav"), std::vector<std::uint8_t>(good.begin(), good.begin() + 500));
  check_error<FileError>([&] { read_sphere(dir.file("short.wav")); }, {"short.wav", "truncated", "1024"});
  // Not SPHERE at all (a RIFF file).
  write_text(dir.file("riff.wav"), "RIFF....WAVEfmt ");
  check_error<FileError>([&] { read_sphere(dir.file("riff.wav")); }, {"riff.wav", "not a NIST SPHERE file"});
  // Shorten compression, a missing field, a mistyped field.
  auto with_header = [&](const std::string& name, const std::string& fields) {
    std::string header = "NIST_1A\n   1024\n" + fields + "end_head\n";
    header.resize(1024, ' ');
    write_bytes(dir.file(name), std::vector<std::uint8_t>(header.begin(), header.end()));
  };
  with_header("shorten.wav", "sample_count -i 0\nsample_rate -i 16000\nsample_coding -s26 pcm,embedded-shorten-v2.00\n");
  check_error<FileError>([&] { read_sphere(dir.file("shorten.wav")); }, {"shorten.wav", "shorten-compressed"});
  with_header("norate.wav", "sample_count -i 0\n");
  check_error<FileError>([&] { read_sphere(dir.file("norate.wav")); }, {"norate.wav", "lacks the field sample_rate"});
  with_header("typed.wav", "sample_count -i many\nsample_rate -i 16000\n");
  check_error<FileError>([&] { read_sphere(dir.file("typed.wav")); }, {"typed.wav", "sample_count", "-i", "'many'"});
  with_header("stereo.wav", "sample_count -i 0\nsample_rate -i 16000\nchannel_count -i 2\n");
  check_error<FileError>([&] { read_sphere(dir.file("stereo.wav")); }, {"stereo.wav", "2 channels"});
  check_error<FileError>([&] { read_sphere(dir.file("absent.wav")); }, {"absent.wav", "cannot open"});
}

BOOST_AUTO_TEST_CASE(transcriptions_round_trip) {
  ScratchDir dir("phn");
  const std::vector<Segment> phones = {{0, 3050, "h#"}, {3050, 4559, "sh"}, {4559, 5723, "ix"}, {5723, 6642, "hv"}};
  write_segments(dir.file("a.phn"), phones);
  const std::vector<Segment> back = read_segments(dir.file("a.phn"), 6642, true);
  BOOST_REQUIRE_EQUAL(back.size(), phones.size());
  for (std::size_t i = 0; i < back.size(); ++i) {
    BOOST_CHECK_EQUAL(back[i].begin, phones[i].begin);
    BOOST_CHECK_EQUAL(back[i].end, phones[i].end);
    BOOST_CHECK_EQUAL(back[i].label, phones[i].label);
  }
  write_prompt(dir.file("a.txt"), 0, 46797, "She had your dark suit in greasy wash water all year.");
  BOOST_CHECK_EQUAL(read_prompt(dir.file("a.txt")), "She had your dark suit in greasy wash water all year.");
  // Windows line ends, as some copies of the corpus have.
  write_text(dir.file("crlf.phn"), "0 100 h#\r\n100 200 sh\r\n");
  BOOST_CHECK_EQUAL(read_segments(dir.file("crlf.phn"), 200, true).back().label, "sh");
}

BOOST_AUTO_TEST_CASE(bad_transcriptions_name_file_and_line) {
  ScratchDir dir("phn-bad");
  write_text(dir.file("range.phn"), "0 100 h#\n100 900 sh\n");
  check_error<FileError>([&] { read_segments(dir.file("range.phn"), 800, true); }, {"range.phn:2", "ends at sample 900", "800 samples"});
  write_text(dir.file("order.phn"), "0 100 h#\n100 200 sh\n50 300 iy\n");
  check_error<FileError>([&] { read_segments(dir.file("order.phn")); }, {"order.phn:3", "out of order"});
  write_text(dir.file("gap.phn"), "0 100 h#\n150 200 sh\n");
  check_error<FileError>([&] { read_segments(dir.file("gap.phn"), -1, true); }, {"gap.phn:2", "tile"});
  BOOST_CHECK_EQUAL(read_segments(dir.file("gap.phn")).size(), 2u);  // words may leave gaps
  write_text(dir.file("reversed.phn"), "100 50 h#\n");
  check_error<FileError>([&] { read_segments(dir.file("reversed.phn")); }, {"reversed.phn:1", "not after its start"});
  write_text(dir.file("fields.phn"), "0 100\n");
  check_error<FileError>([&] { read_segments(dir.file("fields.phn")); }, {"fields.phn:1", "begin end label"});
  write_text(dir.file("text.phn"), "0 1e3 h#\n");
  check_error<FileError>([&] { read_segments(dir.file("text.phn")); }, {"text.phn:1", "'0 1e3 h#'"});
  write_text(dir.file("empty.phn"), "\n");
  check_error<FileError>([&] { read_segments(dir.file("empty.phn")); }, {"empty.phn", "no segments"});
}

BOOST_AUTO_TEST_CASE(training_classes_and_scoring_strings) {
  // Frames of 400 samples every 160 (centres 200, 360, 520, 680, 840): h#, h#, q (no class), tcl, t.
  const std::vector<Segment> phones = {{0, 450, "h#"}, {450, 600, "q"}, {600, 800, "tcl"}, {800, 1000, "t"}, {1000, 1100, "ix"}};
  const std::vector<int> classes = frame_classes(phones, 5, 400, 160);
  const std::vector<int> expected = {static_cast<int>(phone_index(timit48(), "sil")), static_cast<int>(phone_index(timit48(), "sil")), -1,
                                     static_cast<int>(phone_index(timit48(), "cl")), static_cast<int>(phone_index(timit48(), "t"))};
  BOOST_CHECK(classes == expected);
  // Scoring: h# sil, q removed, tcl sil (collapsed with the h#'s), t, ix -> ih.
  const std::vector<std::size_t> reference = scoring_string(phones);
  const std::vector<std::size_t> wanted = {phone_index(timit39(), "sil"), phone_index(timit39(), "t"), phone_index(timit39(), "ih")};
  BOOST_CHECK(reference == wanted);
  BOOST_REQUIRE_EQUAL(classes_48_to_39().size(), 48u);
  BOOST_CHECK_EQUAL(classes_48_to_39()[phone_index(timit48(), "ao")], phone_index(timit39(), "aa"));
  BOOST_CHECK_EQUAL(classes_48_to_39()[phone_index(timit48(), "vcl")], phone_index(timit39(), "sil"));
}

BOOST_AUTO_TEST_CASE(frame_labels_come_from_frame_centres) {
  // 25 ms windows (400 samples) every 10 ms (160): frame t's centre is 160 t + 200.
  const std::vector<Segment> phones = {{0, 500, "h#"}, {500, 700, "sh"}, {700, 1000, "iy"}};
  const std::vector<std::string> labels = frame_labels(phones, 6, 400, 160);
  // centres 200, 360, 520, 680, 840, 1000
  const std::vector<std::string> expected = {"h#", "h#", "sh", "sh", "iy", ""};
  BOOST_CHECK(labels == expected);
}

BOOST_AUTO_TEST_SUITE_END()
