// Minimal JSON writer appending to a std::string: the protocol's responses are
// written directly (no DOM), which keeps a step to a few hundred nanoseconds.
#pragma once

#include <string>
#include <string_view>

#include "support_env/types.h"

namespace support_env {

/// Appends s as a JSON string literal. s must be valid UTF-8 (the engine only
/// holds validated text); control characters are escaped.
inline void Json_String(std::string* out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  std::size_t run = 0;  // start of the pending run of plain bytes
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
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
