// libFuzzer target: the protocol line handler. The input is split into lines,
// each served in turn by one session, so that sequences (reset, steps, steps
// after the end) are explored, not just single requests. A second session
// without the step and reset fast paths gets the same lines: the two must answer byte
// for byte the same (differential check of the fast paths).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "support_env/protocol.h"
#include "support_env/scenario_loader.h"
#include "support_env/session_probe.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace support_env;
  static ScenarioSet* scenarios = [] {
    auto* set = new ScenarioSet;
    std::string error;
    if (!Scenarios_LoadEmbedded(set, &error)) std::abort();
    return set;
  }();
  Session session;
  Session_Init(&session, scenarios);
  Session reference;  // every request through the full JSON parser
  Session_Init(&reference, scenarios);
  SessionProbe full_parser_only;
  full_parser_only.fast_path = false;
  reference.probe = &full_parser_only;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty()) {
    std::size_t end = input.find('\n');
    std::string_view line = input.substr(0, end);
    const std::string& response = Session_HandleLine(&session, line);
    if (Session_HandleLine(&reference, line) != response) std::abort();
    // Every response is one JSON object line.
    if (response.empty() || response.front() != '{' || response.back() != '}' ||
        response.find('\n') != std::string::npos) {
      std::abort();
    }
    if (end == std::string_view::npos) break;
    input.remove_prefix(end + 1);
  }
  // The episode's invariants hold whatever was sent.
  const Episode& ep = session.episode;
  if (ep.step_count < 0 || ep.step_count > kMaxSteps || ep.cumulative < 0 || ep.cumulative > 99) std::abort();
  // So do the stats': every finished episode counted once, with one outcome.
  for (const EpisodeStats& st : session.stats) {
    std::int64_t ended = 0;
    for (int o = 0; o < kOutcomeCount; ++o) ended += st.outcomes[o];
    if (ended != st.episodes || st.outcomes[0] != 0 || st.successes > st.episodes || st.score > kMaxScore * st.episodes ||
        st.steps > kMaxSteps * st.episodes || st.steps < st.episodes || st.invalid_actions > st.steps) {
      std::abort();
    }
  }
  return 0;
}
