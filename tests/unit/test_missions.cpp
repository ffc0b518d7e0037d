// The six missions (mission.md §2.1): a success path for every variant, the
// traps each mission sets, and the anti-gaming bound of §2.3.
#include <sstream>

#include "helpers.h"

using namespace test;

namespace {

// Plays the known-good script on `task` with `seed` and checks full success.
void PlaySuccess(const std::string& task, std::uint64_t seed, int expected_variant) {
  const Script& s = ScriptOf(task);
  Env env(task, seed);
  REQUIRE(env.ep.variant_index == expected_variant);
  const Variant& v = env.mission().variants[static_cast<std::size_t>(expected_variant)];
  CHECK(env.ep.lines[0].role == Role::Customer);
  CHECK(env.ep.lines[0].text == v.ticket_text);
  Cents expected_total = 0;
  if (s.ask) {
    CHECK(Ask(env.ep, "Could you tell me a bit more about what is not working?").reward == 1);
    expected_total += 1;
  }
  CHECK(Classify(env.ep, s.category).reward == 3);
  StepResult sr = Search(env.ep, s.query);
  CHECK(sr.reward == 5);
  CHECK(env.ep.kb_result == ArticleIndex(s.article));
  StepResult r = Act(env.ep, s.terminal, s.message);
  INFO("reason: " << r.reason);
  CHECK(r.reward == 90);
  CHECK(r.done);
  CHECK(env.ep.done);
  CHECK(env.ep.success);
  CHECK(env.ep.outcome == (s.terminal == ActionType::ResolveTicket ? Outcome::Resolved : Outcome::Escalated));
  CHECK(env.ep.sentiment == Sentiment::Happy);
  CHECK(env.last_line().role == Role::Customer);
  CHECK(env.last_line().text == env.mission().customer.after_success);
  CHECK(env.ep.cumulative == expected_total + 3 + 5 + 90);
}

void SuccessForEveryVariant(const std::string& task) {
  const Mission& m = MissionOf(task);
  int n = static_cast<int>(m.variants.size());
  REQUIRE(n >= 3);
  for (int v = 0; v < n; ++v) {
    std::uint64_t seed = SeedForVariant(v, n);
    INFO(task << " variant " << v << " (seed " << seed << ")");
    PlaySuccess(task, seed, v);
  }
}

// Classify/search/ask as the script says, then resolve with `message`.
StepResult PlayThenResolve(Env& env, const Script& s, const std::string& message, Category category) {
  if (s.ask) Ask(env.ep, "What exactly is not working?");
  Classify(env.ep, category);
  Search(env.ep, s.query);
  return Resolve(env.ep, message);
}

}  // namespace

// ---------------------------------------------------------------- success paths

TEST_CASE("missions: billing_receipt succeeds for every variant", "[missions]") { SuccessForEveryVariant("billing_receipt"); }
TEST_CASE("missions: dashboard_404 succeeds for every variant", "[missions]") { SuccessForEveryVariant("dashboard_404"); }
TEST_CASE("missions: digital_refund succeeds for every variant", "[missions]") { SuccessForEveryVariant("digital_refund"); }
TEST_CASE("missions: vip_outage succeeds for every variant", "[missions]") { SuccessForEveryVariant("vip_outage"); }
TEST_CASE("missions: vague_complaint succeeds for every variant", "[missions]") { SuccessForEveryVariant("vague_complaint"); }
TEST_CASE("missions: plan_refund_difference succeeds for every variant", "[missions]") {
  SuccessForEveryVariant("plan_refund_difference");
}

TEST_CASE("missions: variant ticket ids carry the suffix and grading ignores the variant", "[missions]") {
  for (const std::string& task : TaskIds()) {
    const Mission& m = MissionOf(task);
    for (std::size_t v = 0; v < m.variants.size(); ++v) {
      INFO(task << " variant " << v);
      const std::string& id = m.variants[v].ticket_id;
      if (v == 0) {
        CHECK(id.find('-', 4) == std::string::npos);  // TKT-101
      } else {
        CHECK(id.size() > 8);
        CHECK(id.compare(0, 8, m.variants[0].ticket_id + "-") == 0);
      }
    }
  }
}

// ---------------------------------------------------------------- traps

TEST_CASE("missions trap: classifying vip_outage as Billing earns 0.30", "[missions][trap]") {
  const Script& s = ScriptOf("vip_outage");
  Env env(s.task);
  CHECK(Classify(env.ep, Category::Billing).reward == 1);
  CHECK(Search(env.ep, s.query).reward == 5);
  StepResult r = Resolve(env.ep, s.message);
  CHECK(r.reward == 30);
  CHECK_FALSE(env.ep.success);
  CHECK(env.ep.outcome == Outcome::Resolved);
  CHECK(env.ep.cumulative == 36);
}

TEST_CASE("missions trap: the vip_outage ticket text pulls a billing-minded search off target", "[missions][trap]") {
  // Searching with the account words of the ticket is not the fix article.
  Env env("vip_outage");
  StepResult r = Search(env.ep, "Enterprise plan payment invoice paid on time");
  CHECK(r.reward == 2);
  CHECK(env.ep.kb_result != ArticleIndex("KB-API-DASHBOARD"));
}

TEST_CASE("missions trap: resolving digital_refund earns 0.00 and angers the customer", "[missions][trap]") {
  const Script& s = ScriptOf("digital_refund");
  Env env(s.task);
  StepResult r = PlayThenResolve(env, s, "I'm sorry the eBook disappointed you. Digital items are non-refundable once downloaded, "
                                         "so I'm closing this ticket.", s.category);
  CHECK(r.reward == 0);
  CHECK(r.done);
  CHECK(env.ep.outcome == Outcome::Resolved);
  CHECK_FALSE(env.ep.success);
  CHECK(env.ep.sentiment == Sentiment::Angry);
  CHECK(env.last_line().text == env.mission().customer.after_failure);
  CHECK(env.ep.cumulative == 8);
}

TEST_CASE("missions trap: resolving digital_refund with a refund promise earns 0.00", "[missions][trap]") {
  const Script& s = ScriptOf("digital_refund");
  Env env(s.task);
  StepResult r = PlayThenResolve(env, s, "So sorry! We will refund the eBook in full, you will get your money back within five days.",
                                 s.category);
  CHECK(r.reward == 0);
  CHECK_FALSE(env.ep.success);
  CHECK(env.ep.sentiment == Sentiment::Angry);
}

TEST_CASE("missions trap: escalating plan_refund_difference earns 0.00", "[missions][trap]") {
  const Script& s = ScriptOf("plan_refund_difference");
  Env env(s.task);
  Classify(env.ep, s.category);
  Search(env.ep, s.query);
  StepResult r = Escalate(env.ep, "Passing this refund request to a billing specialist.");
  CHECK(r.reward == 0);
  CHECK(env.ep.outcome == Outcome::Escalated);
  CHECK_FALSE(env.ep.success);
  CHECK(env.ep.sentiment == Sentiment::Angry);
  CHECK(env.ep.cumulative == 8);
}

TEST_CASE("missions trap: resolving plan_refund_difference as non-refundable earns 0.30", "[missions][trap]") {
  const Script& s = ScriptOf("plan_refund_difference");
  for (const char* msg :
       {"I have switched you to the monthly plan, but the yearly plan is non-refundable, so the difference stays "
        "on your original payment method as a credit.",
        "Sorry, plans are not refundable: I moved you to the monthly plan and the difference cannot be refunded to "
        "your original payment method."}) {
    INFO(msg);
    Env env(s.task);
    StepResult r = PlayThenResolve(env, s, msg, s.category);
    CHECK(r.reward == 30);
    CHECK(std::string(r.reason).find("not refundable, which the policy contradicts") != std::string::npos);
    CHECK_FALSE(env.ep.success);
  }
}

TEST_CASE("missions trap: resolving vague_complaint without asking earns 0.30", "[missions][trap]") {
  const Script& s = ScriptOf("vague_complaint");
  Env env(s.task);
  Classify(env.ep, s.category);
  Search(env.ep, s.query);
  StepResult r = Resolve(env.ep, s.message);
  CHECK(r.reward == 30);
  CHECK_FALSE(env.ep.success);
  CHECK(env.ep.cumulative == 38);
}

TEST_CASE("missions trap: keyword-stuffed resolutions earn 0.30", "[missions][trap]") {
  struct Case { const char* task; const char* message; };
  const Case cases[] = {
      {"billing_receipt", "receipt invoice billing history download email pdf"},
      {"billing_receipt", "Receipt receipt receipt receipt: download download download download the invoice."},
      {"dashboard_404", "cache cookies sign in 404 fix clear browser"},
      {"vip_outage", "sign out all sessions regenerate api key dashboard"},
      {"vague_complaint", "update latest version reinstall app crash mobile"},
      {"plan_refund_difference", "monthly plan difference prorated original payment method refund"},
      // Every fix at once: prescribes unrelated articles' fixes.
      {"dashboard_404",
       "Please clear your browser cache and cookies and sign in again, then sign out of all sessions and "
       "regenerate your API key, and update the app to the latest version and reinstall it."},
      {"vip_outage",
       "Please sign out of all sessions and regenerate your API key. Also clear your browser cache and cookies "
       "and sign in again."},
  };
  for (const Case& c : cases) {
    INFO(c.task << ": " << c.message);
    const Script& s = ScriptOf(c.task);
    Env env(c.task);
    StepResult r = PlayThenResolve(env, s, c.message, s.category);
    CHECK(r.reward == 30);
    CHECK_FALSE(env.ep.success);
  }
}

TEST_CASE("missions trap: dashboard_404 fix without having searched the KB earns 0.30", "[missions][trap]") {
  const Script& s = ScriptOf("dashboard_404");
  Env env(s.task);
  Classify(env.ep, s.category);
  StepResult r = Resolve(env.ep, s.message);
  CHECK(r.reward == 30);
  CHECK(std::string(r.reason).find("never retrieved") != std::string::npos);
  CHECK_FALSE(env.ep.success);
  CHECK(env.ep.cumulative == 33);
}

// ---------------------------------------------------------------- anti-gaming (§2.3 integrity)

TEST_CASE("missions anti-gaming: no fixed action sequence averages above 0.50 over the six missions",
          "[missions][antigaming]") {
  // Fixed sequences that ignore the ticket: classify (or not), search with one
  // mission's ideal query (or none, or all of them), ask or not, then a terminal
  // action with any mission's pass message, an empty note, or every message at once.
  const auto& scripts = Scripts();
  std::vector<int> classify_options = {-1, 0, 1, 2};
  std::vector<std::vector<std::string>> search_options = {{}};
  std::vector<std::string> all_queries;
  for (const Script& s : scripts) {
    search_options.push_back({s.query});
    all_queries.push_back(s.query);
  }
  search_options.push_back(all_queries);
  struct Terminal { ActionType type; std::string text; std::string label; };
  std::vector<Terminal> terminals;
  std::string everything;
  for (const Script& s : scripts) {
    terminals.push_back({ActionType::ResolveTicket, s.message, "resolve with " + s.task + " message"});
    terminals.push_back({ActionType::EscalateToHuman, s.message, "escalate with " + s.task + " message"});
    if (s.task != "digital_refund") everything += s.message + " ";
  }
  REQUIRE(everything.size() <= kMaxTextBytes);
  terminals.push_back({ActionType::ResolveTicket, everything, "resolve with every fix"});
  terminals.push_back({ActionType::EscalateToHuman, "", "escalate with no note"});

  Cents best = -1;
  std::string best_label;
  int sequences = 0;
  for (int c : classify_options) {
    for (std::size_t q = 0; q < search_options.size(); ++q) {
      for (int ask = 0; ask < 2; ++ask) {
        for (const Terminal& t : terminals) {
          Cents total = 0;
          for (const std::string& task : TaskIds()) {
            Env env(task, 0);
            if (c >= 0) Classify(env.ep, static_cast<Category>(c));
            for (const std::string& query : search_options[q]) Search(env.ep, query);
            if (ask) Ask(env.ep, "Could you tell me more about the problem?");
            Act(env.ep, t.type, t.text);
            REQUIRE(env.ep.done);
            total += env.ep.cumulative;
          }
          ++sequences;
          std::ostringstream label;
          label << (c < 0 ? std::string("no classify") : std::string("classify ").append(WireName(static_cast<Category>(c))))
                << ", " << (q == 0 ? std::string("no search")
                                   : q == search_options.size() - 1 ? std::string("search every ideal query")
                                                                    : "search '" + search_options[q][0] + "'")
                << ", " << (ask ? "ask" : "no question") << ", " << t.label;
          INFO(label.str() << ": total " << total << " cents over 6 missions");
          CHECK(total <= 300);  // average <= 0.50
          if (total > best) {
            best = total;
            best_label = label.str();
          }
        }
      }
    }
  }
  CHECK(sequences == 4 * 8 * 2 * 14);
  WARN("best fixed sequence of " << sequences << ": " << best_label << " -> average "
                                 << best / 600.0 << " (" << best << " cents over 6 missions)");
  CHECK(best > 0);
}

TEST_CASE("missions anti-gaming: the per-mission known-good scripts do reach 0.90 plus on average", "[missions][antigaming]") {
  Cents total = 0;
  for (const Script& s : Scripts()) {
    Env env(s.task);
    if (s.ask) Ask(env.ep, "What exactly is broken?");
    Classify(env.ep, s.category);
    Search(env.ep, s.query);
    Act(env.ep, s.terminal, s.message);
    total += env.ep.cumulative;
  }
  CHECK(total == 5 * 98 + 99);
}
