// libFuzzer target: the scenario loader. The first byte chooses what the rest
// replaces: a mission file (beside the real knowledge base) or the knowledge
// base (beside the real missions). Any input must load or be rejected with a
// "<file>: <path>: problem" message; a loaded set must be playable.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "support_env/episode.h"
#include "support_env/scenario_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace support_env;
  if (size == 0) return 0;
  bool replace_kb = (data[0] & 1) != 0;
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);

  std::vector<SourceFile> files;
  for (const SourceFile& f : Scenarios_Embedded()) {
    bool is_kb = f.name.rfind("kb/", 0) == 0;
    if (is_kb != replace_kb) files.push_back(f);
  }
  files.push_back({replace_kb ? "kb/fuzz.json" : "missions/99_fuzz.json", text});

  ScenarioSet set;
  std::string error;
  if (!Scenarios_Load(files, &set, &error)) {
    if (error.empty()) std::abort();  // a rejection always says why
    return 0;
  }
  // Whatever loaded must play: reset every mission and take a few steps.
  Episode ep;
  Episode_Init(&ep, &set);
  for (int m = 0; m < static_cast<int>(set.missions.size()); ++m) {
    if (!Episode_Reset(&ep, m, 7)) std::abort();
    Action a;
    a.type = ActionType::SearchKb;
    a.text = "refund error app";
    Episode_Step(&ep, a);
    a.type = ActionType::AskClarifyingQuestion;
    a.text = "What happened?";
    Episode_Step(&ep, a);
    a.type = ActionType::ResolveTicket;
    a.text = "Please clear your cache and sign in again, then update the app.";
    Episode_Step(&ep, a);
  }
  return 0;
}
