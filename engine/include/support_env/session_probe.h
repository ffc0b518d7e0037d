// Test hook for the protocol's fast paths (engine/src/protocol_decode.cpp):
// the differential tests and fuzz_protocol switch them off in one session and
// count how often another took them. Not part of the protocol's API.
#pragma once

#include <cstdint>

namespace support_env {

struct SessionProbe {
  bool fast_path = true;                 // false: every request goes through the full JSON parser
  std::uint64_t fast_steps_served = 0;   // steps answered by the step fast path
  std::uint64_t fast_resets_served = 0;  // resets answered by the reset fast path
};

}  // namespace support_env
