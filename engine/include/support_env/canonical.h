// Canonical text: one spelling for what a reader sees, before any matching.
// Folds compatibility characters (NFKC-style), typographic punctuation,
// invisible characters, Latin look-alikes (UTS #39-style) and accents, so that
// "ｒｅｆｕｎｄ", "rеfund" (Cyrillic е), "re\u200Bfund" and "𝐫𝐞𝐟𝐮𝐧𝐝" all read
// "refund". The rules are engine/CANONICAL_TEXT.md. Plain C++17, no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace support_env {

/// The output of Text_Canonicalize is never longer than its input: every
/// replacement takes at most as many bytes as the character it replaces.
constexpr std::size_t Text_CanonicalBound(std::size_t input_bytes) { return input_bytes; }

/// Writes the canonical form of `utf8` (valid UTF-8; a byte that starts no
/// well-formed sequence is dropped) into `out`: valid UTF-8, idempotent, at
/// most Text_CanonicalBound(utf8.size()) bytes; no allocation once `out` is warm.
void Text_Canonicalize(std::string_view utf8, std::string* out);

/// True when `s` holds HTML/XML markup as a mail client would read it: a
/// comment, CDATA, processing instruction, doctype or tag. Looks at ASCII only,
/// so call it on canonical text (a fullwidth "＜" is then a "<").
bool Text_HasMarkup(std::string_view s);

}  // namespace support_env
