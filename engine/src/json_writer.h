// Minimal JSON writer appending to a std::string: the protocol's responses are
// written directly (no DOM), which keeps a step to a few hundred nanoseconds.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "support_env/types.h"

namespace support_env {

/// Appends JSON to a std::string through a raw pointer. A response is some
/// fifty small pieces; std::string::append per piece was most of a step's
/// cost (docs/performance.md). The string grows in chunks; the destructor
/// trims it to what was written.
class JsonWriter {
 public:
  explicit JsonWriter(std::string* out)
      : out_(out), base_(&(*out)[0]), p_(base_ + out->size()), end_(p_) {}
  ~JsonWriter() { out_->resize(static_cast<std::size_t>(p_ - base_)); }
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  /// A literal: its length is known at compile time, so the copy is inlined.
  template <std::size_t N>
  void Raw(const char (&literal)[N]) {
    Need(N - 1);
    std::memcpy(p_, literal, N - 1);
    p_ += N - 1;
  }
  void Raw(std::string_view s) {
    Need(s.size());
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  void Char(char c) {
    Need(1);
    *p_++ = c;
  }
  void Bool(bool b) {
    if (b) Raw("true"); else Raw("false");
  }

  void Int(long long v) {
    if (v < 0) {
      Char('-');
      UInt(0 - static_cast<unsigned long long>(v));
    } else {
      UInt(static_cast<unsigned long long>(v));
    }
  }
  void UInt(unsigned long long v) {
    char digits[20];
    char* d = digits + sizeof digits;
    do {
      *--d = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    Raw(std::string_view(d, static_cast<std::size_t>(digits + sizeof digits - d)));
  }

  /// A reward in hundredths as a decimal number: 3 -> 0.03, 93 -> 0.93.
  void Cents(support_env::Cents c) {
    if (c < 0) { Char('-'); c = -c; }
    UInt(static_cast<unsigned long long>(c / 100));
    Need(3);
    p_[0] = '.';
    p_[1] = static_cast<char>('0' + (c / 10) % 10);
    p_[2] = static_cast<char>('0' + c % 10);
    p_ += 3;
  }

  /// s as a JSON string literal. s must be valid UTF-8 (the engine only holds
  /// validated text); control characters, '"' and '\\' are escaped. Eight
  /// bytes are checked and copied at a time while none needs escaping (most
  /// strings have no escape at all).
  void String(std::string_view s) {
    const char* in = s.data();
    const char* const end = in + s.size();
    Need(s.size() + 2);  // room for the text unescaped; escapes ask for more
    *p_++ = '"';
    for (;;) {
      while (end - in >= 8) {
        std::uint64_t word;
        std::memcpy(&word, in, 8);
        if (NeedsEscape(word)) break;
        std::memcpy(p_, &word, 8);
        p_ += 8;
        in += 8;
      }
      // A tail of one to seven bytes after at least eight: check and copy the
      // last eight bytes as one word (overlapping bytes already copied, which
      // are the same), so short names and ids skip the byte loop too (about
      // 3% of a WebAssembly JSON step, re-measured; docs/performance.md).
      if (end - in < 8 && in != end && s.size() >= 8) {
        std::uint64_t word;
        std::memcpy(&word, end - 8, 8);
        if (!NeedsEscape(word)) {
          const std::ptrdiff_t tail = end - in;
          std::memcpy(p_ + tail - 8, &word, 8);
          p_ += tail;
          break;
        }
      }
      // Fewer than eight bytes left, or an escape among the next eight.
      const char* stop = in + (end - in < 8 ? end - in : 8);
      while (in != stop && !Escaped(static_cast<unsigned char>(*in))) *p_++ = *in++;
      if (in == end) break;
      if (in != stop) {
        Need(static_cast<std::size_t>(end - in) + 6);  // up to five bytes more than the one escaped
        Escape(static_cast<unsigned char>(*in++));
      }
    }
    *p_++ = '"';
  }

 private:
  static constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  static constexpr std::uint64_t kHighs = 0x8080808080808080ull;

  static bool Escaped(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

  // True when a byte of `word` is below 0x20, '"' or '\\' (exact as a yes/no).
  static bool NeedsEscape(std::uint64_t word) {
    auto has_zero = [](std::uint64_t x) { return (x - kOnes) & ~x & kHighs; };
    std::uint64_t below_space = (word - kOnes * 0x20) & ~word & kHighs;
    return (below_space | has_zero(word ^ (kOnes * '"')) | has_zero(word ^ (kOnes * '\\'))) != 0;
  }

  void Escape(unsigned char c) {
    static const char kHex[] = "0123456789abcdef";
    switch (c) {
      case '"': p_[0] = '\\'; p_[1] = '"'; p_ += 2; break;
      case '\\': p_[0] = '\\'; p_[1] = '\\'; p_ += 2; break;
      case '\n': p_[0] = '\\'; p_[1] = 'n'; p_ += 2; break;
      case '\r': p_[0] = '\\'; p_[1] = 'r'; p_ += 2; break;
      case '\t': p_[0] = '\\'; p_[1] = 't'; p_ += 2; break;
      case '\b': p_[0] = '\\'; p_[1] = 'b'; p_ += 2; break;
      case '\f': p_[0] = '\\'; p_[1] = 'f'; p_ += 2; break;
      default: {
        const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        std::memcpy(p_, u, 6);
        p_ += 6;
      }
    }
  }

  // Makes room for n more bytes.
  void Need(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) Grow(n);
  }
  // Out of line: rare, and keeps the inlined writes small. resize() zero-fills
  // what it adds, so the string grows by modest chunks rather than to capacity.
  [[gnu::noinline]] void Grow(std::size_t n) {
    const auto used = static_cast<std::size_t>(p_ - base_);
    out_->resize(used + n + 512);
    base_ = &(*out_)[0];
    p_ = base_ + used;
    end_ = base_ + out_->size();
  }

  std::string* out_;
  char* base_;  // the string's bytes
  char* p_;     // next byte to write
  char* end_;   // end of the string's current size: the room
};

/// Appends s as a JSON string literal (see JsonWriter::String).
inline void Json_String(std::string* out, std::string_view s) {
  JsonWriter w(out);
  w.String(s);
}

}  // namespace support_env
