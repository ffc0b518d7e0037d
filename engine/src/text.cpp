#include "support_env/text.h"

#include <algorithm>
#include <cstring>
#include "fnv.h"
#include "support_env/canonical.h"

namespace support_env {

bool Text_IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t n = s.size(), i = 0;
  while (i < n) {
    // Most text is ASCII: skip it eight bytes at a time.
    if (i + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, p + i, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    unsigned char c = p[i];
    if (c < 0x80) { ++i; continue; }
    std::size_t len;
    unsigned int min, cp;
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; min = 0x10000; }
    else return false;
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

namespace {
bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
}  // namespace

bool Text_IsBlank(std::string_view s) {
  // Any visible ASCII character decides at once; only text made of spaces and
  // non-ASCII characters needs the canonical table, the one home of what is invisible.
  bool non_ascii = false;
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) non_ascii = true;
    else if (!IsAsciiSpace(c)) return false;
  }
  if (!non_ascii) return true;
  static thread_local std::string canonical;  // warm after the first call: no allocation
  Text_Canonicalize(s, &canonical);
  return std::all_of(canonical.begin(), canonical.end(), IsAsciiSpace);
}

namespace {

// What Text_Normalize writes for each byte: itself, its lower case, or 0 for a
// separator (anything but an ASCII letter or digit, or a non-ASCII byte).
struct NormalizeTable {
  char to[256];
  constexpr NormalizeTable() : to() {
    for (int c = 0; c < 256; ++c) {
      bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
      to[c] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : keep ? static_cast<char>(c) : '\0';
    }
  }
};
constexpr NormalizeTable kNormalize;

std::uint32_t HashWord(const char* p, std::size_t n);

}  // namespace

void Text_Normalize(std::string_view s, std::string* out, WordSignature* sig) {
  // Writes through a raw pointer into a buffer sized for the worst case, then
  // trims: a per-character push_back costs several times more.
  out->resize(s.size() + 2);
  char* o = &(*out)[0];
  std::size_t n = 0;
  o[n++] = ' ';
  std::size_t word_start = 1;
  auto end_word = [&] {
    if (sig != nullptr && n > word_start) {
      std::uint32_t bit = HashWord(o + word_start, n - word_start) & 255u;
      sig->bits[bit >> 6] |= 1ull << (bit & 63);
    }
  };
  if (sig != nullptr) *sig = WordSignature{};
  for (char ch : s) {
    char c = kNormalize.to[static_cast<unsigned char>(ch)];
    if (c != '\0') {
      o[n++] = c;
    } else if (o[n - 1] != ' ') {
      end_word();
      o[n++] = ' ';
      word_start = n;
    }
  }
  if (o[n - 1] != ' ') {
    end_word();
    o[n++] = ' ';
  }
  out->resize(n);
}

bool Text_ContainsPhrase(std::string_view normalized, std::string_view phrase) {
  if (phrase.empty()) return false;
  // The padding spaces make every match a whole-word match.
  for (std::size_t pos = normalized.find(phrase); pos != std::string_view::npos;
       pos = normalized.find(phrase, pos + 1)) {
    std::size_t end = pos + phrase.size();
    if (pos > 0 && normalized[pos - 1] == ' ' && end < normalized.size() && normalized[end] == ' ') return true;
  }
  return false;
}

namespace {

std::uint32_t HashWord(const char* p, std::size_t n) { return Fnv1a<std::uint32_t>(std::string_view(p, n)); }

}  // namespace

void Text_Signature(std::string_view normalized, WordSignature* sig) {
  *sig = WordSignature{};
  std::size_t i = 0, n = normalized.size();
  while (i < n) {
    while (i < n && normalized[i] == ' ') ++i;
    std::size_t start = i;
    while (i < n && normalized[i] != ' ') ++i;
    if (i > start) {
      std::uint32_t bit = HashWord(normalized.data() + start, i - start) & 255u;
      sig->bits[bit >> 6] |= 1ull << (bit & 63);
    }
  }
}

bool Phrase_Make(std::string_view raw, Phrase* out) {
  std::string norm;
  Text_Normalize(raw, &norm);
  if (norm.size() <= 2) return false;
  out->text = norm.substr(1, norm.size() - 2);
  Text_Signature(norm, &out->words);
  return true;
}

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; }

bool HasVowel(std::string_view s) { return std::any_of(s.begin(), s.end(), IsVowel); }

}  // namespace

std::string_view Text_Stem(std::string_view token, char* out, std::size_t cap) {
  std::size_t n = std::min(token.size(), cap);
  std::memcpy(out, token.data(), n);
  std::string_view w(out, n);
  if (n <= 3) return w;
  // Plurals.
  if (EndsWith(w, "sses")) w.remove_suffix(2);
  else if (EndsWith(w, "ies")) w.remove_suffix(2);
  else if (EndsWith(w, "s") && !EndsWith(w, "ss") && !EndsWith(w, "us") && !EndsWith(w, "is")) w.remove_suffix(1);
  // Past tense and gerund, when a vowel is left in the stem.
  bool stripped = false;
  if (w.size() > 5 && EndsWith(w, "ing") && HasVowel(w.substr(0, w.size() - 3))) { w.remove_suffix(3); stripped = true; }
  else if (w.size() > 4 && EndsWith(w, "ed") && HasVowel(w.substr(0, w.size() - 2))) { w.remove_suffix(2); stripped = true; }
  // "logging" -> "logg" -> "log"; keep ll/ss/zz ("billing" -> "bill").
  if (stripped && w.size() >= 3) {
    char a = w[w.size() - 1], b = w[w.size() - 2];
    if (a == b && !IsVowel(a) && a != 'l' && a != 's' && a != 'z') w.remove_suffix(1);
  }
  // Final silent e, so "update", "updates" and "updated" meet at "updat".
  if (w.size() > 4 && w.back() == 'e') w.remove_suffix(1);
  return w;
}

bool Text_IsStopword(std::string_view t) {
  static constexpr std::string_view kStopwords[] = {
      "a", "about", "after", "again", "all", "am", "an", "and", "any", "are", "as", "at", "be",
      "been", "before", "being", "but", "by", "can", "could", "did", "do", "does", "for", "from",
      "had", "has", "have", "he", "her", "here", "hi", "his", "how", "i", "if", "in", "into", "is",
      "it", "its", "just", "me", "my", "no", "not", "now", "of", "on", "or", "our", "please", "s",
      "she", "so", "some", "t", "than", "that", "the", "their", "them", "then", "there", "these",
      "they", "this", "to", "up", "us", "very", "was", "we", "were", "what", "when", "where",
      "which", "while", "who", "why", "will", "with", "would", "you", "your"};
  constexpr std::size_t kSlots = 512;  // power of two, well above 2x the word count
  struct Table {
    std::string_view slot[kSlots];
    Table() {
      for (std::string_view w : kStopwords) {
        std::size_t i = HashWord(w.data(), w.size()) & (kSlots - 1);
        while (!slot[i].empty()) i = (i + 1) & (kSlots - 1);
        slot[i] = w;
      }
    }
  };
  static const Table table;
  if (t.empty() || t.size() > 7) return false;  // no stopword is longer
  for (std::size_t i = HashWord(t.data(), t.size()) & (kSlots - 1); !table.slot[i].empty(); i = (i + 1) & (kSlots - 1)) {
    if (table.slot[i] == t) return true;
  }
  return false;
}

}  // namespace support_env
