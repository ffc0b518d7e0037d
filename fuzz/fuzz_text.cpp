// libFuzzer target: the text analyser. Valid UTF-8 up to kMaxTextBytes is
// canonicalised; the result must be valid UTF-8, no longer than the bound and
// unchanged by a second pass. The markup check, the grader (one built-in
// mission per input, on the raw and the canonical text: the same verdict, and
// its invariants)
// and the knowledge-base search then run on it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "support_env/canonical.h"
#include "support_env/grader.h"
#include "support_env/knowledge_base.h"
#include "support_env/scenario_loader.h"
#include "support_env/text.h"
#include "support_env/types.h"

namespace {

// Grades `text` for `mission` and checks the verdict's invariants: sound
// exactly when nothing failed, failures are valid UTF-8 (they quote the
// message), and a sound message has every fix stated and nothing forbidden.
// Returns the verdict, so raw and canonical text can be compared.
struct Verdict {
  bool ok;
  support_env::GraderChecks checks;
};
Verdict GradeMessage(const support_env::ScenarioSet& set, const support_env::Mission& mission, std::string_view text) {
  using namespace support_env;
  static GraderScratch scratch;
  static std::string failures;
  failures.clear();
  GraderChecks checks;
  bool ok = Grader_CheckMessage(set, mission, text, &scratch, &failures, &checks);
  if (ok != failures.empty() || !Text_IsValidUtf8(failures)) std::abort();
  std::uint32_t all = mission.requirements.must_state.size() >= 32
                          ? 0xFFFFFFFFu
                          : (1u << mission.requirements.must_state.size()) - 1u;
  if (ok && !Text_IsBlank(text) && ((checks.fixes_stated & all) != all || !checks.nothing_forbidden ||
                                    !checks.answers_ticket || !checks.plain_sentences)) {
    std::abort();
  }
  return {ok, checks};
}

bool SameVerdict(const Verdict& a, const Verdict& b) {
  return a.ok == b.ok && a.checks.fixes_stated == b.checks.fixes_stated &&
         a.checks.nothing_forbidden == b.checks.nothing_forbidden &&
         a.checks.answers_ticket == b.checks.answers_ticket && a.checks.plain_sentences == b.checks.plain_sentences;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace support_env;
  static const ScenarioSet* scenarios = [] {
    auto* set = new ScenarioSet;
    std::string error;
    if (!Scenarios_LoadEmbedded(set, &error)) std::abort();
    return set;
  }();
  static std::string once, twice;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (size > kMaxTextBytes || !Text_IsValidUtf8(input)) return 0;

  Text_Canonicalize(input, &once);
  if (!Text_IsValidUtf8(once) || once.size() > Text_CanonicalBound(size)) std::abort();
  Text_Canonicalize(once, &twice);
  if (twice != once) std::abort();  // idempotent
  bool markup = Text_HasMarkup(once);
  if (markup != Text_HasMarkup(twice)) std::abort();

  // One mission per input, picked by its length, keeps a run at 2,000 bytes
  // cheap enough for million-run campaigns; every mission is reached. The
  // grader canonicalises itself, so raw and canonical text get one verdict.
  const Mission& mission = scenarios->missions[size % scenarios->missions.size()];
  if (!SameVerdict(GradeMessage(*scenarios, mission, input), GradeMessage(*scenarios, mission, once))) std::abort();
  SearchResult r = KnowledgeBase_Search(scenarios->kb, once);
  if (r.status == SearchStatus::Found &&
      (r.article < 0 || static_cast<std::size_t>(r.article) >= scenarios->kb.articles.size())) {
    std::abort();
  }
  return 0;
}
