// Text utilities shared by retrieval and grading: UTF-8 checks, normalisation,
// tokens and whole-word phrase matching. Allocation-free on the hot path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace support_env {

/// True when s is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool Text_IsValidUtf8(std::string_view s);

/// True when s shows nothing: its canonical form (Text_Canonicalize) is only
/// whitespace, so Unicode spaces and invisible characters (zero-width,
/// variation selectors, bidi controls, soft hyphen) alone are blank too.
bool Text_IsBlank(std::string_view s);

struct WordSignature;

/// Lower-cases ASCII letters, keeps ASCII digits and any non-ASCII byte (so
/// "café" stays one word), turns everything else into single spaces, and pads
/// the result with one space at each end: " sign in again ". `out` keeps its
/// capacity between calls. When `sig` is given, it receives the signature of
/// the result (as Text_Signature would compute it), in the same pass.
void Text_Normalize(std::string_view s, std::string* out, WordSignature* sig = nullptr);

/// True when `phrase` (already normalised, no padding) occurs in `normalized`
/// (output of Text_Normalize) on whole-word boundaries.
bool Text_ContainsPhrase(std::string_view normalized, std::string_view phrase);

/// A 256-bit summary of the words of a normalised text: a phrase none of whose
/// words has its bit set cannot occur, which skips most phrase scans.
struct WordSignature {
  std::uint64_t bits[4] = {};
};

/// Builds the signature of `normalized` (output of Text_Normalize).
void Text_Signature(std::string_view normalized, WordSignature* sig);

/// A phrase as grading uses it: normalised words ("sign in") and their signature.
struct Phrase {
  std::string text;
  WordSignature words;
};

/// Builds a Phrase from raw text ("Sign-In" -> "sign in"); false if it has no word.
bool Phrase_Make(std::string_view raw, Phrase* out);

/// True when `phrase` occurs in `normalized`, whose signature is `sig`. The
/// signature check rules out most phrases without scanning the text.
inline bool Phrase_In(const Phrase& phrase, std::string_view normalized, const WordSignature& sig) {
  for (int i = 0; i < 4; ++i) {
    if ((phrase.words.bits[i] & ~sig.bits[i]) != 0) return false;
  }
  return Text_ContainsPhrase(normalized, phrase.text);
}

/// Calls fn(token) for each maximal run of ASCII letters/digits/non-ASCII bytes,
/// lower-cased into a small buffer; tokens longer than 63 bytes are truncated.
template <typename Fn>
void Text_ForEachToken(std::string_view s, Fn&& fn) {
  char buf[64];
  std::size_t n = 0;
  bool in_token = false;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    unsigned char c = i < s.size() ? static_cast<unsigned char>(s[i]) : ' ';
    bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
    if (word) {
      if (n < sizeof buf) buf[n++] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
      in_token = true;
    } else if (in_token) {
      fn(std::string_view(buf, n));
      n = 0;
      in_token = false;
    }
  }
}

/// Light English stemmer for retrieval: strips common suffixes ("cookies" →
/// "cooki", "crashes" → "crash", "signed" → "sign"). Writes into `out`.
std::string_view Text_Stem(std::string_view token, char* out, std::size_t cap);

/// True for short function words ("the", "and", "to", …) ignored by retrieval
/// and counted by the prose check.
bool Text_IsStopword(std::string_view token);

}  // namespace support_env
