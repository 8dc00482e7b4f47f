#include "text/normalize.h"

#include <opencc/opencc.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <vector>

namespace jiesu::text {

struct Normalizer::Impl {
  const icu::Normalizer2* nfkc = nullptr;
  opencc_t t2s = reinterpret_cast<opencc_t>(-1);
  // Code points of the BMP that OpenCC converts when they stand alone: text with none of them
  // is already simplified, and skips OpenCC (which costs ~0.15 µs per byte; ICU is 25x faster).
  std::vector<bool> traditional = std::vector<bool>(0x10000, false);
  ~Impl() {
    if (t2s != reinterpret_cast<opencc_t>(-1)) opencc_close(t2s);
  }
};

namespace {

// Letters, digits and ideographs: what Content() keeps.
bool IsContentCodePoint(UChar32 c) {
  return c >= 0 && (u_isalnum(c) || u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC));
}

}  // namespace

Normalizer::Normalizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Normalizer::~Normalizer() = default;

Result<std::shared_ptr<const Normalizer>> Normalizer::Create() {
  auto impl = std::make_unique<Impl>();
  UErrorCode status = U_ZERO_ERROR;
  impl->nfkc = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) {
    return Unavailable(std::string("ICU NFKC data unavailable: ") + u_errorName(status));
  }
  // OpenCC's converters are immutable after loading; conversion only reads them.
  impl->t2s = opencc_open(OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP);
  if (impl->t2s == reinterpret_cast<opencc_t>(-1)) {
    return Unavailable(std::string("OpenCC t2s conversion unavailable (is the opencc data package "
                                   "installed?): ") +
                       opencc_error());
  }
  for (UChar32 c = 0x3000; c < 0x10000; ++c) {
    if (c >= 0xD800 && c < 0xE000) continue;  // surrogates
    char in[4];
    int32_t len = 0;
    UBool error = false;
    U8_APPEND(in, len, 4, c, error);
    if (error) continue;
    char* out = opencc_convert_utf8(impl->t2s, in, static_cast<size_t>(len));
    if (out == nullptr) continue;
    impl->traditional[static_cast<size_t>(c)] =
        std::string_view(out) != std::string_view(in, static_cast<size_t>(len));
    opencc_convert_utf8_free(out);
  }
  return std::shared_ptr<const Normalizer>(new Normalizer(std::move(impl)));
}

std::string Normalizer::Normalize(std::string_view utf8) const {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  icu::UnicodeString folded = impl_->nfkc->normalize(in, status);
  if (U_FAILURE(status)) folded = in;
  folded.foldCase();
  // Whitespace of every kind (incl. U+3000 and NBSP, which NFKC already made spaces) → one
  // space; control characters dropped.
  icu::UnicodeString cleaned;
  bool pending_space = false;
  bool needs_opencc = false;
  for (int32_t i = 0; i < folded.length();) {
    UChar32 c = folded.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c)) {
      pending_space = !cleaned.isEmpty();
      continue;
    }
    if (u_iscntrl(c)) continue;
    if (pending_space) cleaned.append(static_cast<UChar>(' '));
    pending_space = false;
    cleaned.append(c);
    needs_opencc = needs_opencc || c > 0xFFFF || impl_->traditional[static_cast<size_t>(c)];
  }
  std::string out;
  cleaned.toUTF8String(out);
  if (!needs_opencc) return out;
  size_t len = out.size();
  char* simplified = opencc_convert_utf8(impl_->t2s, out.data(), len);
  if (simplified == nullptr) return out;
  std::string result(simplified);
  opencc_convert_utf8_free(simplified);
  return result;
}

std::string Normalizer::Content(std::string_view utf8) const {
  std::string norm = Normalize(utf8);
  std::string out;
  out.reserve(norm.size());
  int32_t i = 0;
  const auto n = static_cast<int32_t>(norm.size());
  while (i < n) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(norm.data(), i, n, c);
    if (IsContentCodePoint(c)) {
      out.append(norm, static_cast<size_t>(start), static_cast<size_t>(i - start));
    }
  }
  return out;
}

bool IsContentChar(std::string_view ch) {
  int32_t i = 0;
  UChar32 c;
  U8_NEXT(ch.data(), i, static_cast<int32_t>(ch.size()), c);
  return IsContentCodePoint(c);
}

void SplitChars(std::string_view s, std::vector<std::string_view>& out) {
  out.clear();
  int32_t i = 0;
  const auto n = static_cast<int32_t>(s.size());
  while (i < n) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(s.data(), i, n, c);
    out.push_back(s.substr(static_cast<size_t>(start), static_cast<size_t>(i - start)));
  }
}

}  // namespace jiesu::text
