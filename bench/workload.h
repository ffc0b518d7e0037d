// The benchmark's mixed workload, generated the same way natively and in
// WebAssembly: a competent scripted play of every mission (built from the
// scenario data) interleaved with episodes of random, partly invalid actions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "support_env/episode.h"

namespace support_env {

struct ScriptedAction {
  bool invalid = false;     // sent as a malformed action (tests the error path)
  Action action;            // text points into `text`
  std::string text;
};

struct ScriptedEpisode {
  int mission = 0;
  std::uint64_t seed = 0;
  std::vector<ScriptedAction> actions;
};

/// `episodes` episodes: every other one a scripted competent play (cycling
/// through missions and variants), the rest random actions. Deterministic in `seed`.
std::vector<ScriptedEpisode> Workload_Make(const ScenarioSet& set, int episodes, std::uint64_t seed);

/// The same workload as protocol request lines (reset, then one step per action).
std::vector<std::string> Workload_ToLines(const ScenarioSet& set, const std::vector<ScriptedEpisode>& work);

/// Plays the workload through the C++ API (on ep's scenarios); returns the number of steps taken
/// and adds the summed reward (in hundredths) to *reward_sum (a checksum).
long long Workload_Play(const std::vector<ScriptedEpisode>& work, Episode* ep, long long* reward_sum);

}  // namespace support_env
