// Edge: the JSON-lines protocol (mission.md §3.1). One request line in, one
// response line out. Shared by the command-line program and the WebAssembly
// module, so both answer byte for byte the same.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "support_env/episode.h"
#include "support_env/stats.h"

namespace support_env {

/// Longest request line accepted (a scenario pack travels in one line); longer
/// ones get {"ok":false,...}.
constexpr std::size_t kMaxRequestBytes = 4 << 20;

/// Most episodes one evaluate request may run per task.
constexpr int kMaxEvaluateSeeds = 10000;

struct SessionProbe;

/// A client's session: the scenario set it plays, its current episode and the
/// statistics of the episodes it finished.
struct Session {
  const ScenarioSet* scenarios = nullptr;   // what is played: `initial` or `pack`
  const ScenarioSet* initial = nullptr;     // the set the session was created with
  std::unique_ptr<ScenarioSet> pack;        // a set loaded with load_scenarios
  Episode episode;
  Episode evaluation;                       // evaluate runs here, leaving `episode` alone
  std::vector<EpisodeStats> stats;          // per mission of `scenarios`: episodes ended by a step (and
                                            // evaluate's with "record"); read and cleared by the stats op
  std::string response;                     // last response; keeps its capacity
  SessionProbe* probe = nullptr;            // tests only (support_env/session_probe.h); null otherwise
};

/// Binds a session to a scenario set (which must outlive it).
void Session_Init(Session* s, const ScenarioSet* scenarios);

/// Applies an action to the session's episode (Episode_Step) and, when that
/// ends the episode, adds it to the session's stats (once: a step after the end is not accepted).
StepResult Session_Step(Session* s, const Action& action);

/// Serves one request ({"op":"tasks"|"spec"|"reset"|"step"|"state"|"act"|
/// "evaluate"|"stats"|"load_scenarios",…}; see README "Protocol") and
/// returns the response line, without a newline; valid until the next call.
/// Never throws or aborts, whatever the bytes.
const std::string& Session_HandleLine(Session* s, std::string_view line);

}  // namespace support_env
