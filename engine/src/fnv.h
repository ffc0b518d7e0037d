// FNV-1a, the engine's hash of short strings (stems, words): the one
// definition, 32- and 64-bit, behind text.cpp's word hash, the knowledge
// base's term hash and lexicon.cpp's Lexicon_Hash.
#pragma once

#include <cstdint>
#include <string_view>

namespace support_env {

template <typename Word>
struct FnvParams;
template <>
struct FnvParams<std::uint32_t> {
  static constexpr std::uint32_t kBasis = 2166136261u, kPrime = 16777619u;
};
template <>
struct FnvParams<std::uint64_t> {
  static constexpr std::uint64_t kBasis = 14695981039346656037ull, kPrime = 1099511628211ull;
};

/// FNV-1a of s as a 32- or 64-bit word.
template <typename Word>
Word Fnv1a(std::string_view s) {
  Word h = FnvParams<Word>::kBasis;
  for (char c : s) h = static_cast<Word>((h ^ static_cast<unsigned char>(c)) * FnvParams<Word>::kPrime);
  return h;
}

}  // namespace support_env
