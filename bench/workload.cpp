#include "workload.h"

#include "../engine/src/json_writer.h"
#include "../engine/src/splitmix.h"

namespace support_env {
namespace {

ScriptedAction Make(ActionType type, std::string text = {}, Category c = Category::Billing) {
  ScriptedAction a;
  a.action.type = type;
  a.action.category = c;
  a.text = std::move(text);
  return a;
}

// A resolution a competent agent would write for the built-in missions; any
// other mission gets a sentence built from what its requirements describe.
std::string Resolution(const Mission& m) {
  static const std::pair<const char*, const char*> kResolutions[] = {
      {"billing_receipt", "You can download your receipt as a PDF from Account > Billing > Billing History."},
      {"dashboard_404", "Please clear your browser cache and cookies for our site, then sign in again."},
      {"vip_outage", "Please sign out of all sessions, then regenerate the workspace API key and sign in again."},
      {"vague_complaint", "Please update the app to the latest version; if it still closes, uninstall and reinstall it."},
      {"plan_refund_difference", "I have switched you to the monthly plan, and the prorated difference is refunded "
                                 "to your original payment method."},
  };
  for (const auto& r : kResolutions) {
    if (m.task_id == r.first) return r.second;
  }
  std::string s = "Here is what to do:";
  for (const StatedFix& fix : m.requirements.must_state) s += " we " + fix.describe + ".";
  return s;
}

const char* const kRandomTexts[] = {
    "refund", "my invoice please", "error 404 when I log in", "the app keeps crashing",
    "blank white screen on the api dashboard", "", "zzzz qqqq", "Can you tell me more about the problem?",
    "I have refunded you.", "Please clear your cache and cookies and sign in again.",
};

}  // namespace

std::vector<ScriptedEpisode> Workload_Make(const ScenarioSet& set, int episodes, std::uint64_t seed) {
  std::vector<ScriptedEpisode> work;
  std::uint64_t rng = seed;
  int missions = static_cast<int>(set.missions.size());
  for (int e = 0; e < episodes; ++e) {
    ScriptedEpisode ep;
    ep.mission = e % missions;
    ep.seed = static_cast<std::uint64_t>(e / missions);
    const Mission& m = set.missions[static_cast<std::size_t>(ep.mission)];
    if (e % 2 == 0) {
      if (m.needs_clarification) ep.actions.push_back(Make(ActionType::AskClarifyingQuestion, "Could you tell me what exactly is broken?"));
      ep.actions.push_back(Make(ActionType::ClassifyIssue, {}, m.correct_category));
      const KbArticle& art = set.kb.articles[static_cast<std::size_t>(m.relevant_articles[0])];
      ep.actions.push_back(Make(ActionType::SearchKb, art.title));
      ep.actions.push_back(Make(m.correct_terminal, Resolution(m)));
    } else {
      int n = 1 + static_cast<int>(SplitMix64(&rng) % 10);
      for (int i = 0; i < n; ++i) {
        std::uint64_t r = SplitMix64(&rng);
        auto type = static_cast<ActionType>(r % kActionTypeCount);
        ScriptedAction a = Make(type, kRandomTexts[(r >> 8) % (sizeof kRandomTexts / sizeof *kRandomTexts)],
                                static_cast<Category>((r >> 16) % kCategoryCount));
        a.invalid = (r >> 24) % 8 == 0;
        bool ends = ActionType_IsTerminal(type) && !a.invalid;
        ep.actions.push_back(std::move(a));
        if (ends) break;
      }
    }
    for (ScriptedAction& a : ep.actions) a.action.text = a.text;
    work.push_back(std::move(ep));
  }
  return work;
}

std::vector<std::string> Workload_ToLines(const ScenarioSet& set, const std::vector<ScriptedEpisode>& work) {
  std::vector<std::string> lines;
  for (const ScriptedEpisode& ep : work) {
    std::string reset = "{\"op\":\"reset\",\"task\":";
    Json_String(&reset, set.missions[static_cast<std::size_t>(ep.mission)].task_id);
    reset += ",\"seed\":" + std::to_string(ep.seed) + "}";
    lines.push_back(std::move(reset));
    for (const ScriptedAction& a : ep.actions) {
      std::string s = "{\"op\":\"step\",\"action\":{\"action_type\":";
      if (a.invalid) {
        s += "\"check_logs\"}}";  // not one of the five actions
      } else {
        Json_String(&s, WireName(a.action.type));
        s += ",\"";
        s += ActionType_Field(a.action.type);
        s += "\":";
        if (a.action.type == ActionType::ClassifyIssue) Json_String(&s, WireName(a.action.category));
        else Json_String(&s, a.text);
        s += "}}";
      }
      lines.push_back(std::move(s));
    }
  }
  return lines;
}

long long Workload_Play(const std::vector<ScriptedEpisode>& work, Episode* ep, long long* reward_sum) {
  long long steps = 0;
  for (const ScriptedEpisode& e : work) {
    Episode_Reset(ep, e.mission, e.seed);
    for (const ScriptedAction& a : e.actions) {
      StepResult r = a.invalid ? Episode_StepInvalid(ep, "unknown action_type \"check_logs\"")
                               : Episode_Step(ep, a.action);
      if (!r.accepted) break;
      ++steps;
      *reward_sum += r.reward;
    }
  }
  return steps;
}

}  // namespace support_env
