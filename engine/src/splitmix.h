// SplitMix64 (Steele, Lea, Flood 2014): the engine's one source of
// pseudo-randomness. Tiny, fast and identical natively and in WebAssembly.
#pragma once

#include <cstdint>

namespace support_env {

/// Advances *state and returns the next 64 random bits.
inline std::uint64_t SplitMix64(std::uint64_t* state) {
  std::uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// A well-mixed hash of x (one SplitMix64 step from state x).
inline std::uint64_t SplitMix64_Hash(std::uint64_t x) { return SplitMix64(&x); }

}  // namespace support_env
