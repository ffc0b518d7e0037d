// Shared helpers of the native test suite: the embedded scenarios, episode
// shortcuts, a known-good script per mission, and protocol/JSON helpers.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "support_env/episode.h"
#include "support_env/grader.h"
#include "support_env/knowledge_base.h"
#include "support_env/protocol.h"
#include "support_env/session_probe.h"
#include "support_env/scenario.h"
#include "support_env/scenario_loader.h"
#include "support_env/text.h"
#include "support_env/types.h"

namespace test {

using nlohmann::json;
using namespace support_env;

// The six task ids in contract order (mission.md §2.1).
inline const std::vector<std::string>& TaskIds() {
  static const std::vector<std::string> ids = {"billing_receipt", "dashboard_404",   "digital_refund",
                                               "vip_outage",      "vague_complaint", "plan_refund_difference"};
  return ids;
}

// The scenarios compiled into the engine, loaded once per process.
inline const ScenarioSet& Embedded() {
  static const ScenarioSet set = [] {
    ScenarioSet s;
    std::string error;
    if (!Scenarios_LoadEmbedded(&s, &error)) {
      FAIL("embedded scenarios do not load: " << error);
    }
    return s;
  }();
  return set;
}

inline int MissionIndex(const std::string& task) {
  int i = ScenarioSet_FindMission(Embedded(), task);
  REQUIRE(i >= 0);
  return i;
}

inline const Mission& MissionOf(const std::string& task) {
  return Embedded().missions[static_cast<std::size_t>(MissionIndex(task))];
}

inline int ArticleIndex(const std::string& id) {
  int i = KnowledgeBase_Find(Embedded().kb, id);
  REQUIRE(i >= 0);
  return i;
}

// A known-good way to play each mission: the category, a natural query for the
// relevant article, whether a question is needed, and a policy-safe terminal
// message written for these tests (not taken from tests/data).
struct Script {
  std::string task;
  Category category;
  std::string query;
  std::string article;   // id of the relevant article the query finds
  bool ask;
  ActionType terminal;
  std::string message;
};

inline const std::vector<Script>& Scripts() {
  static const std::vector<Script> scripts = {
      {"billing_receipt", Category::Billing, "billing receipt for a purchase", "KB-RECEIPTS", false,
       ActionType::ResolveTicket,
       "Thank you for your order. Your receipt is in the Billing History page of your account, where you can "
       "download it as a PDF, and a copy was also emailed to you."},
      {"dashboard_404", Category::Technical, "error 404 every time I log in", "KB-LOGIN-404", false,
       ActionType::ResolveTicket,
       "Sorry for the trouble. Your browser is loading an old cached route: please clear the browser cache and "
       "cookies for our site, then sign in again and the dashboard will load."},
      {"digital_refund", Category::RefundRequest, "refund for a downloaded ebook", "KB-DIGITAL-REFUNDS", false,
       ActionType::EscalateToHuman,
       "I understand your frustration. I am handing your request to a human billing specialist who reviews "
       "disputes about digital purchases, and they will contact you."},
      {"vip_outage", Category::Technical, "API dashboard blank white screen", "KB-API-DASHBOARD", false,
       ActionType::ResolveTicket,
       "I am sorry your team is blocked. This is a technical fault, not a billing one: please sign out of all "
       "sessions, then regenerate the workspace API key, and the dashboard will load for everyone."},
      {"vague_complaint", Category::Technical, "mobile app closes on start after update", "KB-MOBILE-CRASH", true,
       ActionType::ResolveTicket,
       "Thanks for explaining. Please update the app to the latest version from your app store, and if it still "
       "closes on start, uninstall it and reinstall it; your data is kept in your account."},
      {"plan_refund_difference", Category::RefundRequest, "bought the yearly plan by mistake instead of monthly",
       "KB-PLAN-CHANGE", false, ActionType::ResolveTicket,
       "No problem at all. I have switched you to the monthly plan, and the prorated difference is refunded to "
       "your original payment method within 5 to 10 business days."},
  };
  return scripts;
}

inline const Script& ScriptOf(const std::string& task) {
  for (const Script& s : Scripts()) {
    if (s.task == task) return s;
  }
  FAIL("no script for " << task);
  return Scripts()[0];
}

// Episode shortcuts. The text must outlive the call only (Action borrows it).
inline StepResult Act(Episode& ep, ActionType type, std::string_view text = {},
                      Category category = Category::Billing) {
  Action a;
  a.type = type;
  a.text = text;
  a.category = category;
  return Episode_Step(&ep, a);
}
inline StepResult Classify(Episode& ep, Category c) { return Act(ep, ActionType::ClassifyIssue, {}, c); }
inline StepResult Search(Episode& ep, std::string_view q) { return Act(ep, ActionType::SearchKb, q); }
inline StepResult Ask(Episode& ep, std::string_view q) { return Act(ep, ActionType::AskClarifyingQuestion, q); }
inline StepResult Resolve(Episode& ep, std::string_view m) { return Act(ep, ActionType::ResolveTicket, m); }
inline StepResult Escalate(Episode& ep, std::string_view m = {}) { return Act(ep, ActionType::EscalateToHuman, m); }

// A fresh episode on the embedded scenarios.
struct Env {
  Episode ep;
  explicit Env(const std::string& task, std::uint64_t seed = 0) {
    Episode_Init(&ep, &Embedded());
    REQUIRE(Episode_Reset(&ep, MissionIndex(task), seed));
  }
  const Mission& mission() const { return *ep.mission; }
  const ConversationLine& last_line() const { return ep.lines[ep.line_count - 1]; }
};

// The reward of each step taken so far.
inline std::vector<Cents> Rewards(const Episode& ep) { return std::vector<Cents>(ep.rewards, ep.rewards + ep.reward_count); }

inline Cents Sum(const Episode& ep) {
  Cents s = 0;
  for (int i = 0; i < ep.reward_count; ++i) s += ep.rewards[i];
  return s;
}

// First seed (from 0) whose variant is `variant` for a mission of `count` variants.
inline std::uint64_t SeedForVariant(int variant, int count) {
  for (std::uint64_t s = 0; s < 100000; ++s) {
    if (Episode_VariantForSeed(s, count) == variant) return s;
  }
  FAIL("no seed selects variant " << variant << " of " << count);
  return 0;
}

// Protocol helpers.
struct Client {
  Session session;
  SessionProbe probe;  // the fast paths' switch and counters
  explicit Client(const ScenarioSet* set = nullptr) {
    Session_Init(&session, set ? set : &Embedded());
    session.probe = &probe;
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  std::string Raw(std::string_view line) { return Session_HandleLine(&session, line); }
  json Call(const std::string& line) {
    std::string raw = Raw(line);
    json j = json::parse(raw, nullptr, false);
    INFO("response: " << raw);
    REQUIRE_FALSE(j.is_discarded());
    REQUIRE(j.is_object());
    return j;
  }
  json Call(const char* line) { return Call(std::string(line)); }
  json Send(const json& request) { return Call(request.dump()); }
  json Reset(const std::string& task, std::uint64_t seed = 0) {
    json r = Send(json{{"op", "reset"}, {"task", task}, {"seed", seed}});
    REQUIRE(r["ok"] == true);
    return r;
  }
  json Step(const json& action) { return Send(json{{"op", "step"}, {"action", action}}); }
  json State() { return Call(R"({"op":"state"})"); }
};

// Rewards on the wire are decimals with two places; compare them as cents.
inline Cents ToCents(const json& v) {
  REQUIRE(v.is_number());
  double d = v.get<double>();
  return static_cast<Cents>(d * 100.0 + (d >= 0 ? 0.5 : -0.5));
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fixed script that exercises every action, an invalid one and the end of
// an episode; the same for every mission and seed.
inline std::vector<std::string> FixedScript(const std::string& task, std::uint64_t seed) {
  return {
      json{{"op", "reset"}, {"task", task}, {"seed", seed}}.dump(),
      R"({"op":"step","action":{"action_type":"ask_clarifying_question","message_to_customer":"Could you tell me more?"}})",
      R"({"op":"step","action":{"action_type":"ask_clarifying_question","message_to_customer":"Anything else?"}})",
      R"({"op":"step","action":{"action_type":"classify_issue","category_guess":"Technical"}})",
      R"({"op":"step","action":{"action_type":"search_kb","search_query":"refund for a downloaded ebook"}})",
      R"({"op":"step","action":{"action_type":"search_kb","search_query":"mobile app closes after update"}})",
      R"({"op":"step","action":{"action_type":"warp"}})",
      R"({"op":"state"})",
      R"({"op":"step","action":{"action_type":"resolve_ticket","message_to_customer":"Please update the app to the latest version and reinstall it if it still closes."}})",
      R"({"op":"step","action":{"action_type":"escalate_to_human"}})",
      R"({"op":"state"})",
  };
}

inline std::uint64_t Fnv1a(std::uint64_t h, std::string_view s) {
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}
constexpr std::uint64_t kFnvBasis = 1469598103934665603ull;

}  // namespace test
