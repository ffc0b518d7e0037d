// The simulated customer (mission.md §2.4): sentiment, replies, patience.
#include <algorithm>

#include "helpers.h"

using namespace test;

namespace {

bool IsOneOf(const std::string& s, const std::vector<std::string>& list) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// The embedded scenarios with one mission's patience changed.
ScenarioSet WithPatience(const std::string& file, int patience) {
  std::vector<SourceFile> files = Scenarios_Embedded();
  bool found = false;
  for (SourceFile& f : files) {
    if (f.name != file) continue;
    json doc = json::parse(f.text);
    doc["patience"] = patience;
    f.text = doc.dump();
    found = true;
  }
  REQUIRE(found);
  ScenarioSet set;
  std::string error;
  REQUIRE(Scenarios_Load(files, &set, &error));
  return set;
}

}  // namespace

TEST_CASE("customer: initial sentiment comes from the mission", "[customer]") {
  const std::pair<const char*, Sentiment> expected[] = {
      {"billing_receipt", Sentiment::Neutral}, {"dashboard_404", Sentiment::Upset},
      {"digital_refund", Sentiment::Angry},    {"vip_outage", Sentiment::Angry},
      {"vague_complaint", Sentiment::Neutral}, {"plan_refund_difference", Sentiment::Neutral}};
  for (const auto& e : expected) {
    INFO(e.first);
    Env env(e.first);
    CHECK(env.ep.sentiment == e.second);
    CHECK(env.ep.sentiment == env.mission().initial_sentiment);
  }
}

TEST_CASE("customer: an unneeded question lowers sentiment one level with an impatient reply", "[customer]") {
  SECTION("billing_receipt: Neutral to Upset") {
    Env env("billing_receipt");
    StepResult r = Ask(env.ep, "Can you tell me more about your issue?");
    CHECK(r.reward == 1);
    CHECK(env.ep.sentiment == Sentiment::Upset);
    CHECK(env.last_line().role == Role::Customer);
    CHECK(IsOneOf(env.last_line().text, env.mission().customer.unneeded_question));
    CHECK(env.ep.lines[env.ep.line_count - 2].role == Role::Agent);
    CHECK(env.ep.lines[env.ep.line_count - 2].text == "Can you tell me more about your issue?");
    CHECK(std::string(r.reason).find("annoyed") != std::string::npos);
    // A second one lowers it again.
    Ask(env.ep, "And which browser?");
    CHECK(env.ep.sentiment == Sentiment::Angry);
    CHECK(IsOneOf(env.last_line().text, env.mission().customer.unneeded_question));
  }
  SECTION("dashboard_404: Upset to Angry") {
    Env env("dashboard_404");
    Ask(env.ep, "Which page?");
    CHECK(env.ep.sentiment == Sentiment::Angry);
    CHECK(IsOneOf(env.last_line().text, env.mission().customer.unneeded_question));
  }
  SECTION("plan_refund_difference") {
    Env env("plan_refund_difference");
    Ask(env.ep, "Which plan did you buy?");
    CHECK(env.ep.sentiment == Sentiment::Upset);
  }
}

TEST_CASE("customer: on vague_complaint the first question reveals the problem", "[customer]") {
  const Mission& m = MissionOf("vague_complaint");
  for (std::size_t v = 0; v < m.variants.size(); ++v) {
    std::uint64_t seed = SeedForVariant(static_cast<int>(v), static_cast<int>(m.variants.size()));
    INFO("variant " << v);
    Env env("vague_complaint", seed);
    StepResult r = Ask(env.ep, "Could you tell me what is broken?");
    CHECK(r.reward == 1);
    CHECK(env.ep.clarified);
    CHECK(env.ep.sentiment == Sentiment::Neutral);  // a needed question does not annoy
    CHECK(env.last_line().role == Role::Customer);
    const std::string& reply = env.last_line().text;
    CHECK(reply == m.variants[v].clarification);
    CHECK((reply.find("update") != std::string::npos || reply.find("app") != std::string::npos));
    CHECK_FALSE(IsOneOf(reply, m.customer.unneeded_question));
  }
}

TEST_CASE("customer: on vague_complaint a second question lowers sentiment", "[customer]") {
  Env env("vague_complaint");
  Ask(env.ep, "What is broken?");
  REQUIRE(env.ep.sentiment == Sentiment::Neutral);
  StepResult r = Ask(env.ep, "Are you sure?");
  CHECK(r.reward == 0);
  CHECK(env.ep.sentiment == Sentiment::Upset);
  CHECK(IsOneOf(env.last_line().text, env.mission().customer.unneeded_question));
  CHECK(std::string(r.reason).find("already clarified") != std::string::npos);
}

TEST_CASE("customer: a question beyond patience makes the customer leave", "[customer]") {
  Env env("vip_outage");  // patience 1
  REQUIRE(env.mission().patience == 1);
  CHECK(Ask(env.ep, "Which browser?").reward == 1);
  CHECK_FALSE(env.ep.done);
  StepResult r = Ask(env.ep, "Which team?");
  CHECK(r.accepted);
  CHECK(r.valid);
  CHECK(r.reward == 0);
  CHECK(r.done);
  CHECK(env.ep.outcome == Outcome::CustomerLeft);
  CHECK(WireName(env.ep.outcome) == "customer_left");
  CHECK_FALSE(env.ep.success);
  CHECK(env.ep.cumulative == 1);
  bool said_goodbye = false;
  for (int i = 0; i < env.ep.line_count; ++i) {
    if (env.ep.lines[i].role == Role::Customer && env.ep.lines[i].text == env.mission().customer.leaves) said_goodbye = true;
  }
  CHECK(said_goodbye);
  // No further steps.
  int steps = env.ep.step_count;
  StepResult after = Resolve(env.ep, ScriptOf("vip_outage").message);
  CHECK_FALSE(after.accepted);
  CHECK(after.reward == 0);
  CHECK(env.ep.step_count == steps);
  CHECK(env.ep.cumulative == 1);
  CHECK(env.ep.outcome == Outcome::CustomerLeft);
}

TEST_CASE("customer: every mission's patience is enforced", "[customer]") {
  for (const std::string& task : TaskIds()) {
    INFO(task);
    Env env(task);
    int patience = env.mission().patience;
    for (int q = 1; q <= patience; ++q) {
      Ask(env.ep, "One more question?");
      CHECK_FALSE(env.ep.done);
    }
    StepResult r = Ask(env.ep, "One question too many?");
    CHECK(r.reward == 0);
    CHECK(env.ep.done);
    CHECK(env.ep.outcome == Outcome::CustomerLeft);
    CHECK(env.ep.cumulative == (patience > 0 ? 1 : 0));
  }
}

TEST_CASE("customer: questions_left counts down the patience and is 0 once the episode is over", "[customer]") {
  for (const std::string& task : TaskIds()) {
    INFO(task);
    Env env(task);
    int patience = env.mission().patience;
    CHECK(Episode_QuestionsLeft(env.ep) == patience);
    Classify(env.ep, Category::Billing);  // other actions leave it alone
    CHECK(Episode_QuestionsLeft(env.ep) == patience);
    for (int q = 1; q <= patience; ++q) {
      Ask(env.ep, "One more question?");
      CHECK(Episode_QuestionsLeft(env.ep) == patience - q);
    }
    Ask(env.ep, "One question too many?");
    CHECK(env.ep.outcome == Outcome::CustomerLeft);
    CHECK(Episode_QuestionsLeft(env.ep) == 0);
  }
  Env done("billing_receipt");
  Escalate(done.ep, "Handing over.");
  CHECK(Episode_QuestionsLeft(done.ep) == 0);
  Episode unset;
  Episode_Init(&unset, &Embedded());
  CHECK(Episode_QuestionsLeft(unset) == 0);
}

TEST_CASE("customer: leaving on the first question earns 0.00 for that step", "[customer]") {
  ScenarioSet set = WithPatience("missions/01_billing_receipt.json", 0);
  Episode ep;
  Episode_Init(&ep, &set);
  REQUIRE(Episode_Reset(&ep, ScenarioSet_FindMission(set, "billing_receipt"), 0));
  Classify(ep, Category::Billing);
  StepResult r = Ask(ep, "Which purchase?");
  CHECK(r.reward == 0);  // the first question would earn +0.01, but the customer left
  CHECK(r.done);
  CHECK(ep.outcome == Outcome::CustomerLeft);
  CHECK(ep.cumulative == 3);
  CHECK_FALSE(Resolve(ep, ScriptOf("billing_receipt").message).accepted);
  CHECK(ep.cumulative == 3);
}

TEST_CASE("customer: a successful resolution leaves the customer Happy", "[customer]") {
  for (const char* task : {"digital_refund", "vip_outage", "dashboard_404"}) {  // they start Angry / Upset
    INFO(task);
    const Script& s = ScriptOf(task);
    Env env(task);
    REQUIRE(env.ep.sentiment != Sentiment::Happy);
    Classify(env.ep, s.category);
    Search(env.ep, s.query);
    Act(env.ep, s.terminal, s.message);
    CHECK(env.ep.success);
    CHECK(env.ep.sentiment == Sentiment::Happy);
    CHECK(env.last_line().text == env.mission().customer.after_success);
  }
}

TEST_CASE("customer: a wrong terminal action leaves the customer Angry", "[customer]") {
  SECTION("escalating billing_receipt") {
    Env env("billing_receipt");
    Classify(env.ep, Category::Billing);
    Escalate(env.ep, "Handing over to billing.");
    CHECK(env.ep.sentiment == Sentiment::Angry);
    CHECK(env.last_line().role == Role::Customer);
    CHECK(env.last_line().text == env.mission().customer.after_failure);
  }
  SECTION("resolving digital_refund") {
    Env env("digital_refund");
    Resolve(env.ep, "Digital items cannot be refunded once downloaded, sorry about that.");
    CHECK(env.ep.sentiment == Sentiment::Angry);
  }
}

TEST_CASE("customer: a resolution that misses a requirement lowers sentiment one level", "[customer]") {
  // The customer says the answer did not help (after_failure), so the mood follows.
  const std::pair<const char*, Sentiment> expected[] = {
      {"billing_receipt", Sentiment::Upset},   // Neutral -> Upset
      {"dashboard_404", Sentiment::Angry},     // Upset -> Angry
      {"vague_complaint", Sentiment::Upset}};  // Neutral -> Upset
  for (const auto& [task, after] : expected) {
    INFO(task);
    const Script& s = ScriptOf(task);
    Env env(task);
    Classify(env.ep, s.category);
    StepResult r = Resolve(env.ep, "Thanks for reaching out, I hope this helps you.");
    CHECK(r.reward == 30);
    CHECK_FALSE(env.ep.success);
    CHECK(env.ep.sentiment == after);
    CHECK(env.last_line().text == env.mission().customer.after_failure);
  }
}

TEST_CASE("customer: replies appear in the conversation in order", "[customer]") {
  const Script& s = ScriptOf("vague_complaint");
  Env env(s.task);
  Ask(env.ep, "What is broken?");
  Classify(env.ep, s.category);
  Search(env.ep, s.query);
  Resolve(env.ep, s.message);
  std::vector<Role> roles;
  for (int i = 0; i < env.ep.line_count; ++i) roles.push_back(env.ep.lines[i].role);
  // ticket, question, reply, classification note, search note, resolution, closing note, customer reply
  CHECK(roles == std::vector<Role>{Role::Customer, Role::Agent, Role::Customer, Role::System, Role::System,
                                   Role::Agent, Role::System, Role::Customer});
  CHECK(env.ep.lines[5].text == s.message);
  CHECK(env.ep.lines[7].text == env.mission().customer.after_success);
}
