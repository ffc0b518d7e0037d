// Minimal JSON writer appending to a std::string: the protocol's responses are
// written directly (no DOM), which keeps a step to a few hundred nanoseconds.
#pragma once

#include <string>
#include <string_view>

#include "support_env/types.h"

namespace support_env {

/// Bytes that a JSON string must escape: control characters, '"' and '\\'.
struct JsonEscapeTable {
  bool escape[256] = {};
  constexpr JsonEscapeTable() {
    for (int c = 0; c < 0x20; ++c) escape[c] = true;
    escape[static_cast<unsigned char>('"')] = true;
    escape[static_cast<unsigned char>('\\')] = true;
  }
};
inline constexpr JsonEscapeTable kJsonEscape{};

/// Appends s as a JSON string literal. s must be valid UTF-8 (the engine only
/// holds validated text); control characters are escaped. Text is copied in
/// whole runs between escapes (most strings have none): one append each.
inline void Json_String(std::string* out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out->append("\"", 1);
  const char* p = s.data();
  const char* const end = p + s.size();
  while (p != end) {
    const char* run = p;
    while (p != end && !kJsonEscape.escape[static_cast<unsigned char>(*p)]) ++p;
    out->append(run, static_cast<std::size_t>(p - run));
    if (p == end) break;
    const auto c = static_cast<unsigned char>(*p++);
    switch (c) {
      case '"': out->append("\\\"", 2); break;
      case '\\': out->append("\\\\", 2); break;
      case '\n': out->append("\\n", 2); break;
      case '\r': out->append("\\r", 2); break;
      case '\t': out->append("\\t", 2); break;
      case '\b': out->append("\\b", 2); break;
      case '\f': out->append("\\f", 2); break;
      default: {
        const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out->append(u, 6);
      }
    }
  }
  out->append("\"", 1);
}

/// Appends "key": (the key is a trusted literal).
inline void Json_Key(std::string* out, const char* key) {
  out->push_back('"');
  out->append(key);
  out->append("\":");
}

inline void Json_Bool(std::string* out, bool b) { out->append(b ? "true" : "false"); }

inline void Json_Int(std::string* out, long long v) { out->append(std::to_string(v)); }

/// Appends a reward in hundredths as a decimal number: 3 -> 0.03, 93 -> 0.93.
inline void Json_Cents(std::string* out, Cents c) {
  if (c < 0) { out->push_back('-'); c = -c; }
  out->append(std::to_string(c / 100));
  out->push_back('.');
  out->push_back(static_cast<char>('0' + (c / 10) % 10));
  out->push_back(static_cast<char>('0' + c % 10));
}

}  // namespace support_env
