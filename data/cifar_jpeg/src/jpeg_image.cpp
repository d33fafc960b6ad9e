#include "lecon/cifar_jpeg/jpeg_image.hpp"

#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE and size_t first
#include <cstdlib>
#include <cstring>

#include <jpeglib.h>

#include "lecon/core/error.hpp"

namespace lecon {
namespace {

// libjpeg's error manager, extended with a jump target and the last message. error_exit (a fatal error)
// and emit_message at level -1 (a warning: corrupt data, a premature end of the stream) both jump back to
// decode_jpeg, which then destroys the decompressor and throws. No C++ exception crosses libjpeg's C frames.
struct ErrorManager {
  jpeg_error_mgr library;  // first member: libjpeg sees a jpeg_error_mgr*
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

extern "C" void jump_on_error(j_common_ptr info) {
  auto* manager = reinterpret_cast<ErrorManager*>(info->err);
  (*info->err->format_message)(info, manager->message);
  std::longjmp(manager->jump, 1);
}

extern "C" void jump_on_warning(j_common_ptr info, int level) {
  if (level >= 0) return;  // trace messages: ignored, as libjpeg's default does
  jump_on_error(info);
}

constexpr std::size_t kMaxPixels = std::size_t(1) << 24;  // a header claiming more is refused before allocating

// The part of decoding that libjpeg may jump out of. Everything it changes lives in the caller (reached
// through the pointers and references, which this frame never reassigns), so nothing is left in an
// indeterminate state by the jump [spec: C11 §7.13.2.1]. Returns false with `problem` set, or with libjpeg's
// message in manager->message.
bool decode_guarded(jpeg_decompress_struct* info, ErrorManager* manager, const std::vector<std::uint8_t>& bytes, RgbImage& image,
                    std::string& problem) {
  if (setjmp(manager->jump) != 0) return false;
  jpeg_create_decompress(info);
  jpeg_mem_src(info, bytes.data(), static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(info, TRUE);
  if (info->num_components != 3) {
    problem = "expected 3 colour components (RGB), got " + std::to_string(info->num_components);
    return false;
  }
  if (static_cast<std::size_t>(info->image_width) * info->image_height > kMaxPixels) {
    problem = std::to_string(info->image_width) + "x" + std::to_string(info->image_height) + " pixels, too large";
    return false;
  }
  // libjpeg's defaults, written out: the integer "islow" IDCT and fancy (smooth) chroma upsampling.
  info->out_color_space = JCS_RGB;
  info->dct_method = JDCT_ISLOW;
  info->do_fancy_upsampling = TRUE;
  jpeg_start_decompress(info);
  image.height = info->output_height;
  image.width = info->output_width;
  image.pixels.assign(image.height * image.width * 3, 0);
  while (info->output_scanline < info->output_height) {
    JSAMPROW row = image.pixels.data() + static_cast<std::size_t>(info->output_scanline) * image.width * 3;
    jpeg_read_scanlines(info, &row, 1);
  }
  jpeg_finish_decompress(info);
  return true;
}

bool encode_guarded(jpeg_compress_struct* info, ErrorManager* manager, const std::vector<std::uint8_t>& pixels, std::size_t height,
                    std::size_t width, int components, int quality, unsigned char** buffer, unsigned long* size) {
  if (setjmp(manager->jump) != 0) return false;
  jpeg_create_compress(info);
  jpeg_mem_dest(info, buffer, size);
  info->image_width = static_cast<JDIMENSION>(width);
  info->image_height = static_cast<JDIMENSION>(height);
  info->input_components = components;
  info->in_color_space = components == 3 ? JCS_RGB : JCS_GRAYSCALE;
  jpeg_set_defaults(info);
  jpeg_set_quality(info, quality, TRUE);
  jpeg_start_compress(info, TRUE);
  while (info->next_scanline < info->image_height) {
    JSAMPROW row = const_cast<JSAMPLE*>(pixels.data() + static_cast<std::size_t>(info->next_scanline) * width * static_cast<std::size_t>(components));
    jpeg_write_scanlines(info, &row, 1);
  }
  jpeg_finish_compress(info);
  return true;
}

}  // namespace

RgbImage decode_jpeg(const std::vector<std::uint8_t>& bytes) {
  if (bytes.empty()) throw Error("empty, expected JPEG data");
  jpeg_decompress_struct info;
  std::memset(&info, 0, sizeof info);  // so that destroying it is safe even if creating it failed
  ErrorManager manager;
  info.err = jpeg_std_error(&manager.library);
  manager.library.error_exit = jump_on_error;
  manager.library.emit_message = jump_on_warning;
  manager.message[0] = '\0';
  RgbImage image;
  std::string problem;
  const bool ok = decode_guarded(&info, &manager, bytes, image, problem);
  jpeg_destroy_decompress(&info);
  if (!ok) throw Error(problem.empty() ? std::string("corrupt JPEG: ") + manager.message : problem);
  return image;
}

std::vector<std::uint8_t> encode_jpeg(const std::vector<std::uint8_t>& pixels, std::size_t height, std::size_t width, int components,
                                      int quality) {
  if ((components != 1 && components != 3) || pixels.size() != height * width * static_cast<std::size_t>(components) || height == 0 || width == 0)
    throw Error("encode_jpeg: expected " + std::to_string(height) + "x" + std::to_string(width) + "x1 or x3 pixels, got " + std::to_string(pixels.size()));
  jpeg_compress_struct info;
  std::memset(&info, 0, sizeof info);
  ErrorManager manager;
  info.err = jpeg_std_error(&manager.library);
  manager.library.error_exit = jump_on_error;
  manager.message[0] = '\0';
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  const bool ok = encode_guarded(&info, &manager, pixels, height, width, components, quality, &buffer, &size);
  jpeg_destroy_compress(&info);
  std::vector<std::uint8_t> bytes;
  if (ok) bytes.assign(buffer, buffer + size);
  std::free(buffer);
  if (!ok) throw Error(std::string("encode_jpeg: ") + manager.message);
  return bytes;
}

}  // namespace lecon
