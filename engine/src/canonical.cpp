#include "support_env/canonical.h"

#include <cstdint>
#include <cstring>

namespace support_env {

namespace {

// One code point's replacement: `len` bytes of `rep` (0 removes it). Sorted by
// cp. Every rep is at most as long as the code point's UTF-8 form and made of
// characters that map to themselves (checked by the generator).
struct Entry {
  std::uint32_t cp;
  std::uint8_t len;
  char rep[4];
};

constexpr Entry kTable[] = {
#include "canonical_table.inc"
};

constexpr std::size_t kTableSize = sizeof kTable / sizeof kTable[0];

constexpr int kUnchanged = -1;

int EncodeUtf8(std::uint32_t cp, char* o) {
  if (cp < 0x80) { o[0] = static_cast<char>(cp); return 1; }
  if (cp < 0x800) {
    o[0] = static_cast<char>(0xC0 | (cp >> 6));
    o[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = static_cast<char>(0xE0 | (cp >> 12));
    o[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    o[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = static_cast<char>(0xF0 | (cp >> 18));
  o[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  o[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  o[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

// Decodes the well-formed sequence at p[0..n); returns its length, or 0 when
// p[0] starts none (overlong, surrogate, out of range or truncated).
int DecodeUtf8(const unsigned char* p, std::size_t n, std::uint32_t* cp) {
  unsigned char c = p[0];
  int len;
  std::uint32_t v, min;
  if (c < 0x80) { *cp = c; return 1; }
  if ((c & 0xE0) == 0xC0) { len = 2; v = c & 0x1Fu; min = 0x80; }
  else if ((c & 0xF0) == 0xE0) { len = 3; v = c & 0x0Fu; min = 0x800; }
  else if ((c & 0xF8) == 0xF0) { len = 4; v = c & 0x07u; min = 0x10000; }
  else return 0;
  if (static_cast<std::size_t>(len) > n) return 0;
  for (int k = 1; k < len; ++k) {
    if ((p[k] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (p[k] & 0x3Fu);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return len;
}

bool IsSpaceSeparator(std::uint32_t cp) {
  return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000;
}

// Format characters and combining marks, removed (the zero-width joiner is
// decided by the caller).
bool IsRemoved(std::uint32_t cp) {
  if (cp < 0x00AD) return false;
  return cp == 0x00AD || (cp >= 0x0300 && cp <= 0x036F) || cp == 0x061C || cp == 0x180E ||
         (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) ||
         (cp >= 0x20D0 && cp <= 0x20FF && cp != 0x20E3) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
         (cp >= 0xFE20 && cp <= 0xFE2F) || cp == 0xFEFF || (cp >= 0xE0000 && cp <= 0xE007F) ||
         (cp >= 0xE0100 && cp <= 0xE01EF);
}

// Pictographic ranges between which a zero-width joiner is kept, so that
// emoji sequences such as a family or "heart on fire" survive.
bool IsEmoji(std::uint32_t cp) {
  return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) || (cp >= 0x2300 && cp <= 0x23FF) ||
         (cp >= 0x2B00 && cp <= 0x2BFF);
}

const Entry* Find(std::uint32_t cp) {
  std::size_t lo = 0, hi = kTableSize;
  while (lo < hi) {
    std::size_t mid = (lo + hi) / 2;
    if (kTable[mid].cp < cp) lo = mid + 1;
    else hi = mid;
  }
  return lo < kTableSize && kTable[lo].cp == cp ? &kTable[lo] : nullptr;
}

// Writes the table's replacement of cp into o, or cp itself; returns the length.
int TableOrSelf(std::uint32_t cp, char* o) {
  if (const Entry* e = Find(cp)) {
    std::memcpy(o, e->rep, e->len);
    return e->len;
  }
  return EncodeUtf8(cp, o);
}

// Reserved code points of the Mathematical Alphanumeric Symbols letter range:
// their letters live in Letterlike Symbols (ℎ, ℬ, ℭ, …, in the table).
bool IsMathHole(std::uint32_t cp) {
  static constexpr std::uint32_t kHoles[] = {0x1D455, 0x1D49D, 0x1D4A0, 0x1D4A1, 0x1D4A3, 0x1D4A4, 0x1D4A7, 0x1D4A8,
                                             0x1D4AD, 0x1D4BA, 0x1D4BC, 0x1D4C4, 0x1D506, 0x1D50B, 0x1D50C, 0x1D515,
                                             0x1D51D, 0x1D53A, 0x1D53F, 0x1D545, 0x1D547, 0x1D548, 0x1D549, 0x1D551};
  for (std::uint32_t h : kHoles) {
    if (h == cp) return true;
  }
  return false;
}

// Mathematical Alphanumeric Symbols (U+1D400-1D7FF), from the block layout:
// 13 Latin styles of 52 letters, dotless ı and ȷ, 5 Greek styles of 58, two
// digammas, 5 digit styles of 10. Returns the length written, or kUnchanged.
int MapMath(std::uint32_t cp, char* o) {
  if (cp <= 0x1D6A3) {
    if (IsMathHole(cp)) return kUnchanged;
    std::uint32_t k = (cp - 0x1D400) % 52;
    o[0] = static_cast<char>(k < 26 ? 'A' + k : 'a' + (k - 26));
    return 1;
  }
  if (cp == 0x1D6A4) { o[0] = 'i'; return 1; }
  if (cp == 0x1D6A5) { o[0] = 'j'; return 1; }
  if (cp >= 0x1D6A8 && cp <= 0x1D7C9) {
    static constexpr std::uint32_t kTail[] = {0x03F5, 0x03D1, 0x03F0, 0x03D5, 0x03F1, 0x03D6};
    std::uint32_t k = (cp - 0x1D6A8) % 58, greek;
    if (k == 17) greek = 0x03F4;  // capital theta symbol sits in the gap of the capitals
    else if (k < 25) greek = 0x0391 + k;
    else if (k == 25) greek = 0x2207;  // nabla
    else if (k < 51) greek = 0x03B1 + (k - 26);
    else if (k == 51) greek = 0x2202;  // partial differential
    else greek = kTail[k - 52];
    return TableOrSelf(greek, o);
  }
  if (cp == 0x1D7CA) return EncodeUtf8(0x03DC, o);
  if (cp == 0x1D7CB) return EncodeUtf8(0x03DD, o);
  if (cp >= 0x1D7CE) {
    o[0] = static_cast<char>('0' + (cp - 0x1D7CE) % 10);
    return 1;
  }
  return kUnchanged;
}

// The replacement of a non-ASCII code point (other than U+00B7 and U+200D,
// which depend on their neighbours): its length, 0 to remove, kUnchanged.
int MapCodePoint(std::uint32_t cp, char* o) {
  if (IsSpaceSeparator(cp)) { o[0] = ' '; return 1; }
  if (cp == 0x2028 || cp == 0x2029) { o[0] = '\n'; return 1; }
  if (IsRemoved(cp)) return 0;
  if (cp >= 0xFF01 && cp <= 0xFF5E) {
    char c = static_cast<char>(cp - 0xFEE0);
    o[0] = c == '`' ? '\'' : c;
    return 1;
  }
  if (cp >= 0x1D400 && cp <= 0x1D7FF) return MapMath(cp, o);
  if (const Entry* e = Find(cp)) {
    std::memcpy(o, e->rep, e->len);
    return e->len;
  }
  return kUnchanged;
}

// The code point that ends o[0..n) (valid UTF-8), or 0 when n == 0.
std::uint32_t LastCodePoint(const char* o, std::size_t n) {
  if (n == 0) return 0;
  std::size_t start = n - 1;
  while (start > 0 && n - start < 4 && (static_cast<unsigned char>(o[start]) & 0xC0) == 0x80) --start;
  std::uint32_t cp = 0;
  DecodeUtf8(reinterpret_cast<const unsigned char*>(o + start), n - start, &cp);
  return cp;
}

// True when o[0..n) ends a line's leading blanks (start of text or after '\n').
bool AtLineStart(const char* o, std::size_t n) {
  while (n > 0 && (o[n - 1] == ' ' || o[n - 1] == '\t')) --n;
  return n == 0 || o[n - 1] == '\n';
}

bool HasByte(std::uint64_t word, unsigned char b) {
  std::uint64_t x = word ^ (0x0101010101010101ull * b);
  return ((x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull) != 0;
}

}  // namespace

void Text_Canonicalize(std::string_view utf8, std::string* out) {
  // Sized for the worst case (no replacement is longer than what it
  // replaces), written through a raw pointer, then trimmed.
  out->resize(Text_CanonicalBound(utf8.size()));
  char* o = &(*out)[0];
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  std::size_t size = utf8.size(), i = 0, n = 0;
  while (i < size) {
    // ASCII without a backtick is copied eight bytes at a time.
    if (i + 8 <= size) {
      std::uint64_t word;
      std::memcpy(&word, p + i, 8);
      if ((word & 0x8080808080808080ull) == 0 && !HasByte(word, '`')) {
        std::memcpy(o + n, p + i, 8);
        i += 8;
        n += 8;
        continue;
      }
    }
    unsigned char c = p[i];
    if (c < 0x80) {
      o[n++] = c == '`' ? '\'' : static_cast<char>(c);
      ++i;
      continue;
    }
    std::uint32_t cp;
    int len = DecodeUtf8(p + i, size - i, &cp);
    if (len == 0) {  // not UTF-8: dropped
      ++i;
      continue;
    }
    std::size_t at = i;
    i += static_cast<std::size_t>(len);
    if (cp == 0x200D) {  // zero-width joiner: kept only inside an emoji sequence
      std::uint32_t next = 0;
      if (i < size && DecodeUtf8(p + i, size - i, &next) > 0 && IsEmoji(next) && IsEmoji(LastCodePoint(o, n))) {
        std::memcpy(o + n, p + at, 3);
        n += 3;
      }
      continue;
    }
    if (cp == 0x00B7) {  // middle dot: a bullet at the start of a line, else kept
      if (AtLineStart(o, n)) {
        o[n++] = '*';
      } else {
        std::memcpy(o + n, p + at, 2);
        n += 2;
      }
      continue;
    }
    int w = MapCodePoint(cp, o + n);
    if (w == kUnchanged) {
      std::memcpy(o + n, p + at, static_cast<std::size_t>(len));
      n += static_cast<std::size_t>(len);
    } else {
      n += static_cast<std::size_t>(w);
    }
  }
  out->resize(n);
}

namespace {

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool IsNameChar(char c) { return IsAsciiLetter(c) || (c >= '0' && c <= '9') || c == ':' || c == '-'; }

bool IsMarkupSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool StartsWithNoCase(std::string_view s, std::size_t at, std::string_view prefix) {
  if (s.size() - at < prefix.size()) return false;
  for (std::size_t k = 0; k < prefix.size(); ++k) {
    char a = s[at + k], b = prefix[k];
    if (a >= 'a' && a <= 'z') a = static_cast<char>(a - 'a' + 'A');
    if (a != b) return false;
  }
  return true;
}

}  // namespace

bool Text_HasMarkup(std::string_view s) {
  const std::size_t last_gt = s.rfind('>');
  const std::size_t npos = std::string_view::npos;
  for (std::size_t i = s.find('<'); i != npos; i = s.find('<', i + 1)) {
    std::size_t j = i + 1;
    if (StartsWithNoCase(s, j, "!--") || StartsWithNoCase(s, j, "![CDATA[") || StartsWithNoCase(s, j, "!DOCTYPE") ||
        StartsWithNoCase(s, j, "?XML")) {
      return true;
    }
    if (j + 1 < s.size() && s[j] == '?' && IsAsciiLetter(s[j + 1]) && s.find("?>", j + 2) != npos) return true;
    // A tag: "<", optional "/", a letter, name characters, then ">", "/" or a
    // space, with a ">" closing it later.
    if (j < s.size() && s[j] == '/') ++j;
    if (j >= s.size() || !IsAsciiLetter(s[j])) continue;
    while (j < s.size() && IsNameChar(s[j])) ++j;
    if (j >= s.size()) continue;
    char c = s[j];
    if (c == '>') return true;
    if (c == '/' && s[j - 1] == ':') continue;  // "<https://…>" is a link, not a tag
    if ((c == '/' || IsMarkupSpace(c)) && last_gt != npos && last_gt > j) return true;
  }
  return false;
}

}  // namespace support_env
