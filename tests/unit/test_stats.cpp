// EpisodeStats (support_env/stats.h): the fixed struct of sums and counts
// that finished episodes are added to.
#include "helpers.h"
#include "support_env/stats.h"

using namespace test;

namespace {

// Plays the known-good script of a mission: classify, search, (ask), terminal.
void PlayScript(Episode& ep, const Script& s) {
  Classify(ep, s.category);
  Search(ep, s.query);
  if (s.ask) Ask(ep, "What exactly happens, and since when?");
  Act(ep, s.terminal, s.message);
}

}  // namespace

TEST_CASE("stats: a known sequence of episodes gives exact sums and counts", "[stats]") {
  EpisodeStats st;
  // 1. billing_receipt won with an invalid action on the way: 0.03 + 0.05 + 0.90, 4 steps.
  {
    Env env("billing_receipt");
    Classify(env.ep, Category::Billing);
    Episode_StepInvalid(&env.ep, "unknown action_type \"check_logs\"");
    Search(env.ep, ScriptOf("billing_receipt").query);
    Resolve(env.ep, ScriptOf("billing_receipt").message);
    REQUIRE(env.ep.success);
    REQUIRE(env.ep.cumulative == 98);
    REQUIRE(env.ep.invalid_actions == 1);
    CHECK(Stats_AddEpisode(&st, env.ep));
  }
  // 2. digital_refund escalated straight away: the right action, a requirement unmet: 0.30, 1 step.
  {
    Env env("digital_refund");
    Escalate(env.ep, "Handing this to a specialist.");
    REQUIRE(env.ep.outcome == Outcome::Escalated);
    REQUIRE(env.ep.cumulative == 30);
    CHECK(Stats_AddEpisode(&st, env.ep));
  }
  // 3. vip_outage: two questions for a patience of one; the customer leaves: 0.01, 2 steps.
  {
    Env env("vip_outage");
    Ask(env.ep, "Which browser?");
    Ask(env.ep, "Which team?");
    REQUIRE(env.ep.outcome == Outcome::CustomerLeft);
    CHECK(Stats_AddEpisode(&st, env.ep));
  }
  // 4. dashboard_404: ten actions without a terminal one, three of them invalid: 0.03, 10 steps.
  {
    Env env("dashboard_404");
    for (int i = 0; i < 7; ++i) Classify(env.ep, Category::Technical);
    for (int i = 0; i < 3; ++i) Episode_StepInvalid(&env.ep, "missing field");
    REQUIRE(env.ep.outcome == Outcome::StepLimit);
    CHECK(Stats_AddEpisode(&st, env.ep));
  }
  CHECK(st.episodes == 4);
  CHECK(st.successes == 1);
  CHECK(st.score == 98 + 30 + 1 + 3);
  CHECK(st.steps == 4 + 1 + 2 + 10);
  CHECK(st.invalid_actions == 1 + 3);
  CHECK(Stats_Outcome(st, Outcome::Resolved) == 1);
  CHECK(Stats_Outcome(st, Outcome::Escalated) == 1);
  CHECK(Stats_Outcome(st, Outcome::CustomerLeft) == 1);
  CHECK(Stats_Outcome(st, Outcome::StepLimit) == 1);
  CHECK(Stats_Outcome(st, Outcome::None) == 0);
}

TEST_CASE("stats: an episode that has not ended, or never started, adds nothing", "[stats]") {
  EpisodeStats st;
  Episode idle;
  Episode_Init(&idle, &Embedded());
  CHECK_FALSE(Stats_AddEpisode(&st, idle));
  Env env("billing_receipt");
  CHECK_FALSE(Stats_AddEpisode(&st, env.ep));
  Classify(env.ep, Category::Billing);
  CHECK_FALSE(Stats_AddEpisode(&st, env.ep));
  CHECK(st.episodes == 0);
  CHECK(st.steps == 0);
  CHECK(st.score == 0);
}

TEST_CASE("stats: merge adds every field; clear empties; reset zeroes the episode's invalid count", "[stats]") {
  EpisodeStats a, b;
  for (const Script& s : Scripts()) {
    Env env(s.task);
    PlayScript(env.ep, s);
    REQUIRE(env.ep.success);
    Stats_AddEpisode(s.task == "vague_complaint" ? &b : &a, env.ep);
  }
  CHECK(a.episodes == 5);
  CHECK(b.episodes == 1);
  CHECK(b.score == 99);   // 0.03 + 0.05 + 0.01 + 0.90
  CHECK(b.steps == 4);
  EpisodeStats all;
  Stats_Merge(&all, a);
  Stats_Merge(&all, b);
  CHECK(all.episodes == 6);
  CHECK(all.successes == 6);
  CHECK(all.score == a.score + b.score);
  CHECK(all.steps == a.steps + b.steps);
  CHECK(Stats_Outcome(all, Outcome::Resolved) == 5);
  CHECK(Stats_Outcome(all, Outcome::Escalated) == 1);
  Stats_Clear(&all);
  CHECK(all.episodes == 0);
  CHECK(all.score == 0);
  CHECK(Stats_Outcome(all, Outcome::Resolved) == 0);

  // The episode's invalid-action count starts over at each reset.
  Env env("billing_receipt");
  Episode_StepInvalid(&env.ep, "x");
  CHECK(env.ep.invalid_actions == 1);
  REQUIRE(Episode_Reset(&env.ep, MissionIndex("billing_receipt"), 0));
  CHECK(env.ep.invalid_actions == 0);
}
