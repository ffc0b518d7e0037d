// Judges a terminal message against the mission's policy: does it state the
// fix, contradict the policy, or stuff keywords instead of explaining?
#pragma once

#include <string>
#include <string_view>

#include "support_env/scenario.h"

namespace support_env {

enum class MessageVerdict : std::uint8_t {
  Ok,
  MissingFix,         // a required phrase group does not hold
  ContradictsPolicy,  // a must-not-state phrase is present
  NotProse,           // a keyword list, repeated words, or no sentence
  ForeignFix,         // it also prescribes the full fix of an unrelated article
};

/// Human-readable explanation of a verdict, for the reward reason.
const char* MessageVerdict_Explain(MessageVerdict v);

/// Checks `message` for `mission`. `scratch` keeps its capacity between calls
/// so that grading allocates nothing once warm.
MessageVerdict Grader_CheckMessage(const ScenarioSet& set, const Mission& mission,
                                   std::string_view message, std::string* scratch);

}  // namespace support_env
