// The environment's version: its one home. Every response that describes the
// environment carries it (spec, every observation, state), and so do the
// trajectories and share links built from them (README "Versions").
//
// Bump it whenever behaviour changes: rewards, reasons, grading, scenarios,
// customer replies, variants, policies, the wire format. Then regenerate the
// golden transcript (node tests/golden/update.mjs), which refuses to record
// changed behaviour under an unchanged version.
#pragma once

#include <string_view>

/// A string literal, so that writers can paste it into their own literals at
/// compile time ("{\"env_version\":\"" SUPPORT_ENV_VERSION "\"").
#define SUPPORT_ENV_VERSION "3.1.0"

namespace support_env {

/// The same version as a value.
constexpr std::string_view kEnvVersion = SUPPORT_ENV_VERSION;

}  // namespace support_env
