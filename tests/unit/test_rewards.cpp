// Reward rules and caps (mission.md §2.3) and episode end (§2.6), on the core API.
#include <random>

#include "helpers.h"

using namespace test;

namespace {

const char kOffTargetQuery[] = "reset my password";           // KB-PASSWORD-RESET: relevant to no mission
const char kOffTargetQuery2[] = "return a physical item";     // KB-PHYSICAL-RETURNS
const char kReceiptQuery[] = "billing receipt";                // KB-RECEIPTS

}  // namespace

// ---------------------------------------------------------------- classify_issue

TEST_CASE("rewards: first classification correct earns +0.03", "[rewards][classify]") {
  Env env("billing_receipt");
  StepResult r = Classify(env.ep, Category::Billing);
  CHECK(r.accepted);
  CHECK(r.valid);
  CHECK(r.reward == 3);
  CHECK_FALSE(r.done);
  CHECK(std::string(r.reason).find("+0.03") != std::string::npos);
  CHECK(env.ep.classified);
  CHECK(env.ep.category == Category::Billing);
  CHECK(env.ep.cumulative == 3);
}

TEST_CASE("rewards: first classification wrong earns +0.01", "[rewards][classify]") {
  Env env("billing_receipt");
  StepResult r = Classify(env.ep, Category::Technical);
  CHECK(r.valid);
  CHECK(r.reward == 1);
  CHECK(std::string(r.reason).find("+0.01") != std::string::npos);
  CHECK(env.ep.cumulative == 1);
}

TEST_CASE("rewards: later classifications earn 0.00 whether right or wrong", "[rewards][classify]") {
  SECTION("wrong then right") {
    Env env("dashboard_404");
    CHECK(Classify(env.ep, Category::Billing).reward == 1);
    StepResult r = Classify(env.ep, Category::Technical);
    CHECK(r.valid);
    CHECK(r.reward == 0);
    CHECK(std::string(r.reason).find("+0.00") != std::string::npos);
    CHECK(env.ep.category == Category::Technical);
    CHECK(env.ep.cumulative == 1);
  }
  SECTION("right then right again then wrong") {
    Env env("dashboard_404");
    CHECK(Classify(env.ep, Category::Technical).reward == 3);
    CHECK(Classify(env.ep, Category::Technical).reward == 0);
    CHECK(Classify(env.ep, Category::RefundRequest).reward == 0);
    CHECK(env.ep.category == Category::RefundRequest);
    CHECK(env.ep.cumulative == 3);
  }
}

TEST_CASE("rewards: the latest classification is what grading uses - wrong then right succeeds",
          "[rewards][classify][terminal]") {
  const Script& s = ScriptOf("billing_receipt");
  Env env(s.task);
  CHECK(Classify(env.ep, Category::RefundRequest).reward == 1);
  CHECK(Classify(env.ep, Category::Billing).reward == 0);
  StepResult r = Resolve(env.ep, s.message);
  CHECK(r.reward == 90);
  CHECK(env.ep.success);
  CHECK(env.ep.cumulative == 91);
}

TEST_CASE("rewards: the latest classification is what grading uses - right then wrong earns 0.30",
          "[rewards][classify][terminal]") {
  const Script& s = ScriptOf("billing_receipt");
  Env env(s.task);
  CHECK(Classify(env.ep, Category::Billing).reward == 3);
  CHECK(Classify(env.ep, Category::Technical).reward == 0);
  StepResult r = Resolve(env.ep, s.message);
  CHECK(r.reward == 30);
  CHECK_FALSE(env.ep.success);
  CHECK(env.ep.cumulative == 33);
}

// ---------------------------------------------------------------- search_kb

TEST_CASE("rewards: off-target search earns +0.02", "[rewards][search]") {
  Env env("billing_receipt");
  StepResult r = Search(env.ep, kOffTargetQuery);
  CHECK(r.valid);
  CHECK(r.reward == 2);
  CHECK(env.ep.kb_result == ArticleIndex("KB-PASSWORD-RESET"));
  CHECK_FALSE(env.ep.relevant_article_retrieved);
  CHECK(std::string(r.reason).find("not relevant") != std::string::npos);
  CHECK(std::string(r.reason).find("+0.02") != std::string::npos);
}

TEST_CASE("rewards: first relevant search earns +0.05", "[rewards][search]") {
  Env env("billing_receipt");
  StepResult r = Search(env.ep, kReceiptQuery);
  CHECK(r.reward == 5);
  CHECK(env.ep.kb_result == ArticleIndex("KB-RECEIPTS"));
  CHECK(env.ep.relevant_article_retrieved);
  CHECK(std::string(r.reason).find("+0.05") != std::string::npos);
}

TEST_CASE("rewards: relevant search after an off-target one earns +0.03 - total capped at 0.05",
          "[rewards][search]") {
  Env env("billing_receipt");
  CHECK(Search(env.ep, kOffTargetQuery).reward == 2);
  StepResult r = Search(env.ep, kReceiptQuery);
  CHECK(r.reward == 3);
  CHECK(std::string(r.reason).find("+0.03") != std::string::npos);
  CHECK(env.ep.search_reward == 5);
  CHECK(env.ep.cumulative == 5);
}

TEST_CASE("rewards: further searches earn 0.00 once the relevant article was found", "[rewards][search]") {
  Env env("billing_receipt");
  CHECK(Search(env.ep, kReceiptQuery).reward == 5);
  CHECK(Search(env.ep, kReceiptQuery).reward == 0);          // relevant again
  CHECK(Search(env.ep, kOffTargetQuery).reward == 0);        // off-target after relevant
  CHECK(Search(env.ep, "where is my invoice").reward == 0);  // relevant, other words
  CHECK(env.ep.cumulative == 5);
  CHECK(env.ep.step_count == 4);
}

TEST_CASE("rewards: two off-target searches - the second earns 0.00", "[rewards][search]") {
  Env env("dashboard_404");
  CHECK(Search(env.ep, kOffTargetQuery).reward == 2);
  StepResult r = Search(env.ep, kOffTargetQuery2);
  CHECK(r.valid);
  CHECK(r.reward == 0);
  CHECK(env.ep.kb_result == ArticleIndex("KB-PHYSICAL-RETURNS"));
  CHECK(env.ep.cumulative == 2);
  // The relevant one still tops the total up to 0.05.
  CHECK(Search(env.ep, ScriptOf("dashboard_404").query).reward == 3);
  CHECK(env.ep.cumulative == 5);
}

TEST_CASE("rewards: empty query returns no article and 0.00 with an explanation", "[rewards][search]") {
  for (const char* q : {"", "   ", "?!... --", "the and of to"}) {
    INFO("query: '" << q << "'");
    Env env("billing_receipt");
    StepResult r = Search(env.ep, q);
    CHECK(r.accepted);
    CHECK(r.valid);  // a search with no words is a valid action that finds nothing
    CHECK(r.reward == 0);
    CHECK(env.ep.kb_result == -1);
    CHECK(env.ep.step_count == 1);
    CHECK(std::string(r.reason).find("no article returned") != std::string::npos);
    CHECK(env.ep.search_reward == 0);
    // The off-target bonus is still available afterwards.
    CHECK(Search(env.ep, kOffTargetQuery).reward == 2);
  }
}

TEST_CASE("rewards: nonsense query returns no article and 0.00 with an explanation", "[rewards][search]") {
  Env env("billing_receipt");
  StepResult r = Search(env.ep, "xyzzy plugh qwertyuiop");
  CHECK(r.valid);
  CHECK(r.reward == 0);
  CHECK(env.ep.kb_result == -1);
  CHECK(std::string(r.reason).find("No article matches") != std::string::npos);
  CHECK(env.mission().customer.after_success != env.last_line().text);
  CHECK(env.last_line().role == Role::System);
  CHECK(env.last_line().text == "Knowledge base searched: no matching article.");
}

TEST_CASE("rewards: knowledge_base_result keeps the last article found", "[rewards][search]") {
  Client c;
  c.Reset("billing_receipt");
  json r = c.Step({{"action_type", "search_kb"}, {"search_query", kReceiptQuery}});
  REQUIRE(r["observation"]["knowledge_base_result"].is_object());
  CHECK(r["observation"]["knowledge_base_result"]["id"] == "KB-RECEIPTS");
  r = c.Step({{"action_type", "search_kb"}, {"search_query", kOffTargetQuery}});
  CHECK(r["observation"]["knowledge_base_result"]["id"] == "KB-PASSWORD-RESET");
  CHECK(r["observation"]["knowledge_base_result"]["title"] == "Resetting a forgotten password");
  // A search that finds nothing leaves the last article in place.
  r = c.Step({{"action_type", "search_kb"}, {"search_query", "xyzzy"}});
  CHECK(r["observation"]["knowledge_base_result"]["id"] == "KB-PASSWORD-RESET");
  r = c.Step({{"action_type", "search_kb"}, {"search_query", ""}});
  CHECK(r["observation"]["knowledge_base_result"]["id"] == "KB-PASSWORD-RESET");
  CHECK(r["observation"]["knowledge_base_result"]["text"] ==
        Embedded().kb.articles[static_cast<std::size_t>(ArticleIndex("KB-PASSWORD-RESET"))].text);
}

// ---------------------------------------------------------------- ask_clarifying_question

TEST_CASE("rewards: first question earns +0.01 and later ones 0.00", "[rewards][ask]") {
  Env env("vague_complaint");  // patience 3
  StepResult r = Ask(env.ep, "Could you tell me what exactly is broken?");
  CHECK(r.valid);
  CHECK(r.reward == 1);
  CHECK(std::string(r.reason).find("+0.01") != std::string::npos);
  CHECK(Ask(env.ep, "Which device are you using?").reward == 0);
  CHECK(Ask(env.ep, "Since when?").reward == 0);
  CHECK(env.ep.questions_asked == 3);
  CHECK_FALSE(env.ep.done);
  CHECK(env.ep.cumulative == 1);
}

TEST_CASE("rewards: first question on a clear ticket still earns +0.01", "[rewards][ask]") {
  Env env("billing_receipt");
  CHECK(Ask(env.ep, "Which purchase do you mean?").reward == 1);
  CHECK(Ask(env.ep, "Which email address?").reward == 0);
  CHECK(env.ep.cumulative == 1);
}

// ---------------------------------------------------------------- terminal actions

TEST_CASE("rewards: correct terminal with every requirement met earns +0.90", "[rewards][terminal]") {
  for (const Script& s : Scripts()) {
    INFO(s.task);
    Env env(s.task);
    if (s.ask) CHECK(Ask(env.ep, "Could you describe what happens?").reward == 1);
    CHECK(Classify(env.ep, s.category).reward == 3);
    CHECK(Search(env.ep, s.query).reward == 5);
    StepResult r = Act(env.ep, s.terminal, s.message);
    CHECK(r.reward == 90);
    CHECK(r.done);
    CHECK(std::string(r.reason).find("+0.90") != std::string::npos);
    CHECK(env.ep.success);
  }
}

TEST_CASE("rewards: terminal 0.30 - wrong latest category", "[rewards][terminal]") {
  const Script& s = ScriptOf("dashboard_404");
  Env env(s.task);
  Classify(env.ep, Category::Billing);
  Search(env.ep, s.query);
  StepResult r = Resolve(env.ep, s.message);
  CHECK(r.reward == 30);
  CHECK(std::string(r.reason).find("the latest classification is not the ticket's category") != std::string::npos);
  CHECK_FALSE(env.ep.success);
  CHECK(env.ep.outcome == Outcome::Resolved);
  CHECK(env.ep.cumulative == 1 + 5 + 30);
}

TEST_CASE("rewards: terminal 0.30 - never classified", "[rewards][terminal]") {
  SECTION("resolve") {
    const Script& s = ScriptOf("billing_receipt");
    Env env(s.task);
    StepResult r = Resolve(env.ep, s.message);
    CHECK(r.reward == 30);
    CHECK(std::string(r.reason).find("never classified") != std::string::npos);
    CHECK(env.ep.cumulative == 30);
  }
  SECTION("escalate") {
    const Script& s = ScriptOf("digital_refund");
    Env env(s.task);
    Search(env.ep, s.query);
    StepResult r = Escalate(env.ep, s.message);
    CHECK(r.reward == 30);
    CHECK(env.ep.outcome == Outcome::Escalated);
    CHECK(env.ep.cumulative == 35);
  }
}

TEST_CASE("rewards: terminal 0.30 - relevant KB article not retrieved where required", "[rewards][terminal]") {
  for (const char* task : {"dashboard_404", "vip_outage", "plan_refund_difference"}) {
    INFO(task);
    const Script& s = ScriptOf(task);
    Env env(task);
    Classify(env.ep, s.category);
    CHECK(Search(env.ep, kOffTargetQuery).reward == 2);  // searched, but not the relevant article
    StepResult r = Resolve(env.ep, s.message);
    CHECK(r.reward == 30);
    CHECK(std::string(r.reason).find("relevant knowledge-base article was never retrieved") != std::string::npos);
    CHECK(env.ep.cumulative == 3 + 2 + 30);
  }
}

TEST_CASE("rewards: terminal 0.90 without a search where the KB is optional", "[rewards][terminal]") {
  const Script& s = ScriptOf("billing_receipt");
  Env env(s.task);
  Classify(env.ep, s.category);
  CHECK(Resolve(env.ep, s.message).reward == 90);
  CHECK(env.ep.cumulative == 93);
}

TEST_CASE("rewards: terminal 0.30 - no clarifying question where required", "[rewards][terminal]") {
  const Script& s = ScriptOf("vague_complaint");
  Env env(s.task);
  Classify(env.ep, s.category);
  Search(env.ep, s.query);
  StepResult r = Resolve(env.ep, s.message);
  CHECK(r.reward == 30);
  CHECK(std::string(r.reason).find("no clarifying question was asked first") != std::string::npos);
  CHECK(env.ep.cumulative == 38);
}

TEST_CASE("rewards: terminal 0.30 - message does not state the fix", "[rewards][terminal]") {
  const Script& s = ScriptOf("dashboard_404");
  Env env(s.task);
  Classify(env.ep, s.category);
  Search(env.ep, s.query);
  StepResult r = Resolve(env.ep, "Sorry about that. Our engineers are looking into the error and we will get back to you soon.");
  CHECK(r.reward == 30);
  CHECK(std::string(r.reason).find("the message does not tell the customer to clear the browser cache") != std::string::npos);
  CHECK(env.ep.cumulative == 38);
}

TEST_CASE("rewards: terminal 0.30 - message contradicts the policy", "[rewards][terminal]") {
  SECTION("plan refund called non-refundable") {
    const Script& s = ScriptOf("plan_refund_difference");
    Env env(s.task);
    Classify(env.ep, s.category);
    Search(env.ep, s.query);
    StepResult r = Resolve(env.ep, s.message + " Note that the yearly plan is otherwise non-refundable.");
    INFO(r.reason);
    CHECK(r.reward == 30);
    CHECK((std::string(r.reason).find("not refundable, which the policy contradicts") != std::string::npos ||
           std::string(r.reason).find("promises a refund") != std::string::npos));
  }
  SECTION("escalation note promising a refund for a downloaded ebook") {
    const Script& s = ScriptOf("digital_refund");
    Env env(s.task);
    Classify(env.ep, s.category);
    Search(env.ep, s.query);
    StepResult r = Escalate(env.ep, "Escalating to a billing specialist; we will refund the eBook in full.");
    CHECK(r.reward == 30);
    CHECK((std::string(r.reason).find("not refundable, which the policy contradicts") != std::string::npos ||
           std::string(r.reason).find("promises a refund") != std::string::npos));
    CHECK(env.ep.outcome == Outcome::Escalated);
    CHECK_FALSE(env.ep.success);
  }
}

TEST_CASE("rewards: terminal 0.30 - keyword stuffing", "[rewards][terminal]") {
  SECTION("keyword list") {
    const Script& s = ScriptOf("dashboard_404");
    Env env(s.task);
    Classify(env.ep, s.category);
    Search(env.ep, s.query);
    StepResult r = Resolve(env.ep, "clear cache cookies sign in 404 browser fix");
    CHECK(r.reward == 30);
    CHECK(std::string(r.reason).find("list of words, not sentences") != std::string::npos);
  }
  SECTION("another article's fix appended") {
    const Script& s = ScriptOf("dashboard_404");
    Env env(s.task);
    Classify(env.ep, s.category);
    Search(env.ep, s.query);
    StepResult r = Resolve(env.ep, s.message + " If that fails, update the app to the latest version and reinstall it.");
    CHECK(r.reward == 30);
    CHECK(std::string(r.reason).find("prescribes the fix of another problem (KB-MOBILE-CRASH") != std::string::npos);
  }
}

TEST_CASE("rewards: terminal 0.30 reason lists every unmet requirement", "[rewards][terminal]") {
  Env env("vague_complaint");
  StepResult r = Resolve(env.ep, "It should work now, have a nice day and thank you.");
  CHECK(r.reward == 30);
  std::string reason(r.reason);
  CHECK(reason.find("never classified") != std::string::npos);
  CHECK(reason.find("never retrieved") != std::string::npos);
  CHECK(reason.find("no clarifying question") != std::string::npos);
  CHECK(reason.find("the message does not tell the customer") != std::string::npos);
  CHECK(reason.find("+0.30") != std::string::npos);
}

TEST_CASE("rewards: wrong terminal action earns 0.00", "[rewards][terminal]") {
  SECTION("escalating a resolvable ticket") {
    const Script& s = ScriptOf("billing_receipt");
    Env env(s.task);
    Classify(env.ep, s.category);
    Search(env.ep, s.query);
    StepResult r = Escalate(env.ep, "Passing this to billing.");
    CHECK(r.reward == 0);
    CHECK(r.done);
    CHECK(env.ep.outcome == Outcome::Escalated);
    CHECK_FALSE(env.ep.success);
    CHECK(std::string(r.reason).find("+0.00") != std::string::npos);
    CHECK(env.ep.cumulative == 8);
  }
  SECTION("resolving a ticket that must be escalated, with a perfect message otherwise") {
    const Script& s = ScriptOf("digital_refund");
    Env env(s.task);
    Classify(env.ep, s.category);
    Search(env.ep, s.query);
    StepResult r = Resolve(env.ep, s.message);
    CHECK(r.reward == 0);
    CHECK(env.ep.outcome == Outcome::Resolved);
    CHECK_FALSE(env.ep.success);
    CHECK(env.ep.cumulative == 8);
  }
}

TEST_CASE("rewards: escalation note is optional where escalation is correct", "[rewards][terminal]") {
  const Script& s = ScriptOf("digital_refund");
  Env env(s.task);
  Classify(env.ep, s.category);
  CHECK(Escalate(env.ep, "").reward == 90);
  CHECK(env.ep.cumulative == 93);
}

// ---------------------------------------------------------------- totals

TEST_CASE("rewards: the maximum episode score is 0.99", "[rewards][cap]") {
  const Script& s = ScriptOf("vague_complaint");
  Env env(s.task);
  CHECK(Ask(env.ep, "What exactly is broken?").reward == 1);
  CHECK(Classify(env.ep, s.category).reward == 3);
  CHECK(Search(env.ep, kOffTargetQuery).reward == 2);
  CHECK(Search(env.ep, s.query).reward == 3);
  CHECK(Classify(env.ep, s.category).reward == 0);
  CHECK(Search(env.ep, s.query).reward == 0);
  CHECK(Resolve(env.ep, s.message).reward == 90);
  CHECK(env.ep.cumulative == 99);
  CHECK(Rewards(env.ep) == std::vector<Cents>{1, 3, 2, 3, 0, 0, 90});
}

TEST_CASE("rewards: random play never scores below 0 or above 0.99 and the total is the sum",
          "[rewards][cap]") {
  // Deterministic random walks over every action with a mix of good and bad texts.
  std::mt19937 rng(12345);
  std::vector<std::string> texts = {"", "  ", "billing receipt", "reset my password", "xyzzy", "What happened?"};
  for (const Script& s : Scripts()) {
    texts.push_back(s.query);
    texts.push_back(s.message);
  }
  std::string big(2001, 'a');
  texts.push_back(big);
  texts.push_back("\xff\xfe");
  Cents best = 0;
  for (int episode = 0; episode < 3000; ++episode) {
    const Script& s = Scripts()[static_cast<std::size_t>(episode) % Scripts().size()];
    Env env(s.task, static_cast<std::uint64_t>(episode));
    int steps = 0;
    while (!env.ep.done) {
      REQUIRE(steps < kMaxSteps);
      Action a;
      a.type = static_cast<ActionType>(rng() % kActionTypeCount);
      // Terminal actions less often, so that episodes get long.
      if (ActionType_IsTerminal(a.type) && rng() % 3 != 0) a.type = ActionType::ClassifyIssue;
      a.category = static_cast<Category>(rng() % kCategoryCount);
      a.text = texts[rng() % texts.size()];
      StepResult r = Episode_Step(&env.ep, a);
      ++steps;
      REQUIRE(r.accepted);
      REQUIRE(r.reward >= 0);
      REQUIRE((r.reward == 0 || r.reward == 1 || r.reward == 2 || r.reward == 3 || r.reward == 5 ||
               r.reward == 30 || r.reward == 90));
      REQUIRE(env.ep.cumulative == Sum(env.ep));
      REQUIRE(env.ep.cumulative <= 99);
      REQUIRE(env.ep.step_count == steps);
    }
    REQUIRE(env.ep.success == (env.ep.rewards[env.ep.reward_count - 1] == 90));
    best = std::max(best, env.ep.cumulative);
  }
  CHECK(best >= 90);  // the walk did find successes, so the bound was exercised
}

TEST_CASE("rewards: cumulative_reward equals the sum of step rewards on the wire", "[rewards][protocol]") {
  const Script& s = ScriptOf("vague_complaint");
  Client c;
  c.Reset(s.task);
  Cents sum = 0;
  std::vector<json> actions = {
      {{"action_type", "ask_clarifying_question"}, {"message_to_customer", "What is broken?"}},
      {{"action_type", "classify_issue"}, {"category_guess", "Billing"}},
      {{"action_type", "search_kb"}, {"search_query", kOffTargetQuery}},
      {{"action_type", "nonsense"}},
      {{"action_type", "search_kb"}, {"search_query", s.query}},
      {{"action_type", "classify_issue"}, {"category_guess", "Technical"}},
      {{"action_type", "resolve_ticket"}, {"message_to_customer", s.message}},
  };
  std::vector<Cents> expected = {1, 1, 2, 0, 3, 0, 90};
  for (std::size_t i = 0; i < actions.size(); ++i) {
    json r = c.Step(actions[i]);
    REQUIRE(r["ok"] == true);
    CHECK(ToCents(r["reward"]) == expected[i]);
    sum += ToCents(r["reward"]);
    CHECK(ToCents(r["observation"]["cumulative_reward"]) == sum);
  }
  CHECK(sum == 97);
  json st = c.State();
  CHECK(ToCents(st["state"]["cumulative_reward"]) == 97);
  REQUIRE(st["state"]["rewards"].size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(ToCents(st["state"]["rewards"][i]) == expected[i]);
}

TEST_CASE("rewards: invalid actions earn 0.00", "[rewards][invalid]") {
  Env env("billing_receipt");
  StepResult r = Episode_StepInvalid(&env.ep, "action_type is missing");
  CHECK(r.accepted);
  CHECK_FALSE(r.valid);
  CHECK(r.reward == 0);
  r = Resolve(env.ep, "");
  CHECK_FALSE(r.valid);
  CHECK(r.reward == 0);
  CHECK_FALSE(env.ep.done);
  CHECK(env.ep.cumulative == 0);
  CHECK(env.ep.step_count == 2);
}

// ---------------------------------------------------------------- step limit (§2.6)

TEST_CASE("episode end: the 10th non-terminal step ends the episode with outcome step_limit", "[episode][steps]") {
  Env env("billing_receipt");
  for (int i = 1; i <= 9; ++i) {
    StepResult r = Search(env.ep, "billing receipt");
    CHECK_FALSE(r.done);
    CHECK(env.ep.step_count == i);
  }
  StepResult r = Classify(env.ep, Category::Billing);
  CHECK(r.accepted);
  CHECK(r.reward == 3);  // the 10th step still earns its own reward
  CHECK(r.done);
  CHECK(env.ep.done);
  CHECK(env.ep.outcome == Outcome::StepLimit);
  CHECK_FALSE(env.ep.success);
  CHECK(env.ep.step_count == 10);
  CHECK(env.ep.cumulative == 8);
  CHECK(std::string(r.reason).find("Step limit reached") != std::string::npos);
  CHECK(WireName(env.ep.outcome) == "step_limit");
}

TEST_CASE("episode end: a terminal action on step 10 still earns its reward", "[episode][steps]") {
  const Script& s = ScriptOf("billing_receipt");
  Env env(s.task);
  Classify(env.ep, s.category);
  for (int i = 0; i < 8; ++i) Search(env.ep, s.query);
  REQUIRE(env.ep.step_count == 9);
  REQUIRE_FALSE(env.ep.done);
  StepResult r = Resolve(env.ep, s.message);
  CHECK(r.reward == 90);
  CHECK(env.ep.outcome == Outcome::Resolved);
  CHECK(env.ep.success);
  CHECK(env.ep.step_count == 10);
  CHECK(env.ep.cumulative == 98);
}

TEST_CASE("episode end: invalid actions consume steps up to the limit", "[episode][steps]") {
  Env env("dashboard_404");
  for (int i = 1; i <= 10; ++i) {
    StepResult r = i % 2 ? Episode_StepInvalid(&env.ep, "unknown action_type") : Ask(env.ep, "");
    CHECK(r.accepted);
    CHECK_FALSE(r.valid);
    CHECK(r.reward == 0);
    CHECK(env.ep.step_count == i);
    CHECK(r.done == (i == 10));
  }
  CHECK(env.ep.outcome == Outcome::StepLimit);
  CHECK(env.ep.cumulative == 0);
}

TEST_CASE("episode end: after done Episode_Step is not accepted and changes nothing", "[episode][steps]") {
  const Script& s = ScriptOf("billing_receipt");
  Env env(s.task);
  Classify(env.ep, s.category);
  Resolve(env.ep, s.message);
  REQUIRE(env.ep.done);
  int steps = env.ep.step_count, lines = env.ep.line_count, count = env.ep.reward_count;
  Cents total = env.ep.cumulative;
  Sentiment mood = env.ep.sentiment;
  for (ActionType t : {ActionType::ClassifyIssue, ActionType::SearchKb, ActionType::AskClarifyingQuestion,
                       ActionType::ResolveTicket, ActionType::EscalateToHuman}) {
    StepResult r = Act(env.ep, t, s.message, Category::Technical);
    CHECK_FALSE(r.accepted);
    CHECK(r.reward == 0);
    CHECK(r.done);
    CHECK(std::string(r.reason).find("reset") != std::string::npos);
  }
  StepResult r = Episode_StepInvalid(&env.ep, "bad");
  CHECK_FALSE(r.accepted);
  CHECK(env.ep.step_count == steps);
  CHECK(env.ep.line_count == lines);
  CHECK(env.ep.reward_count == count);
  CHECK(env.ep.cumulative == total);
  CHECK(env.ep.sentiment == mood);
  CHECK(env.ep.category == Category::Billing);
  CHECK(env.ep.outcome == Outcome::Resolved);
  CHECK(env.ep.success);
  CHECK_FALSE(env.ep.has_error);
}

TEST_CASE("episode end: Episode_Step before any reset is not accepted", "[episode][steps]") {
  Episode ep;
  Episode_Init(&ep, &Embedded());
  StepResult r = Classify(ep, Category::Billing);
  CHECK_FALSE(r.accepted);
  CHECK(std::string(r.reason).find("reset") != std::string::npos);
  CHECK(ep.step_count == 0);
  CHECK_FALSE(Episode_Reset(&ep, -1, 0));
  CHECK_FALSE(Episode_Reset(&ep, static_cast<int>(Embedded().missions.size()), 0));
  CHECK(ep.mission == nullptr);
}

TEST_CASE("episode end: protocol step after done is ok false and tells the caller to reset", "[episode][protocol]") {
  Client c;
  c.Reset("digital_refund");
  json r = c.Step({{"action_type", "escalate_to_human"}});
  REQUIRE(r["ok"] == true);
  CHECK(r["done"] == true);
  std::string before = c.Raw(R"({"op":"state"})");
  json after = c.Step({{"action_type", "classify_issue"}, {"category_guess", "Billing"}});
  CHECK(after["ok"] == false);
  REQUIRE(after["error"].is_string());
  CHECK(after["error"].get<std::string>().find("reset") != std::string::npos);
  CHECK(c.Raw(R"({"op":"state"})") == before);
  // A reset starts over.
  json fresh = c.Reset("digital_refund");
  CHECK(fresh["observation"]["done"] == false);
  CHECK(fresh["observation"]["step_count"] == 0);
  CHECK(ToCents(fresh["observation"]["cumulative_reward"]) == 0);
}
