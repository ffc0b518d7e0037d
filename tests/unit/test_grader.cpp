// The terminal-message grader against the colleague-written grader data
// (tests/data/messages.json): every "pass" message is Ok, every "fail_*" is not.
#include "helpers.h"

using namespace test;

namespace {

const json& Messages() {
  static const json doc = [] {
    json d = json::parse(ReadFile(std::string(SUPPORT_ENV_TEST_DATA) + "/messages.json"), nullptr, false);
    REQUIRE_FALSE(d.is_discarded());
    return d;
  }();
  return doc;
}

MessageVerdict Check(const std::string& task, const std::string& message) {
  std::string scratch;
  return Grader_CheckMessage(Embedded(), MissionOf(task), message, &scratch);
}

const char* VerdictName(MessageVerdict v) {
  switch (v) {
    case MessageVerdict::Ok: return "Ok";
    case MessageVerdict::MissingFix: return "MissingFix";
    case MessageVerdict::ContradictsPolicy: return "ContradictsPolicy";
    case MessageVerdict::NotProse: return "NotProse";
    case MessageVerdict::ForeignFix: return "ForeignFix";
  }
  return "?";
}

// Checks every message of one kind ("pass" or "fail_*") for every mission.
void CheckKind(const std::string& kind) {
  const json& missions = Messages()["missions"];
  REQUIRE(missions.is_object());
  int checked = 0;
  for (auto it = missions.begin(); it != missions.end(); ++it) {
    const json& list = it.value()[kind];
    REQUIRE(list.is_array());
    for (const json& m : list) {
      const std::string msg = m.get<std::string>();
      MessageVerdict v = Check(it.key(), msg);
      INFO(it.key() << " " << kind << ": \"" << msg << "\" -> " << VerdictName(v));
      if (kind == "pass") CHECK(v == MessageVerdict::Ok);
      else CHECK(v != MessageVerdict::Ok);
      ++checked;
    }
  }
  CHECK(checked > 0);
}

}  // namespace

TEST_CASE("grader data: messages.json covers the six missions", "[grader]") {
  const json& missions = Messages()["missions"];
  REQUIRE(missions.is_object());
  CHECK(missions.size() == 6);
  for (const std::string& task : TaskIds()) {
    INFO(task);
    REQUIRE(missions.contains(task));
    for (const char* kind : {"pass", "fail_contradiction", "fail_missing_fix", "fail_stuffing"}) {
      CHECK(missions[task].contains(kind));
    }
    CHECK(missions[task]["pass"].size() >= 5);
  }
}

TEST_CASE("grader data: every pass message is Ok", "[grader]") { CheckKind("pass"); }
TEST_CASE("grader data: every fail_contradiction message is rejected", "[grader]") { CheckKind("fail_contradiction"); }
TEST_CASE("grader data: every fail_missing_fix message is rejected", "[grader]") { CheckKind("fail_missing_fix"); }
TEST_CASE("grader data: every fail_stuffing message is rejected", "[grader]") { CheckKind("fail_stuffing"); }

TEST_CASE("grader data: pass messages earn 0.90 in a full episode", "[grader]") {
  const json& missions = Messages()["missions"];
  for (const std::string& task : TaskIds()) {
    const Script& s = ScriptOf(task);
    for (const json& m : missions[task]["pass"]) {
      const std::string msg = m.get<std::string>();
      INFO(task << ": " << msg);
      Env env(task);
      if (s.ask) Ask(env.ep, "What is not working?");
      Classify(env.ep, s.category);
      Search(env.ep, s.query);
      StepResult r = Act(env.ep, s.terminal, msg);
      INFO("reason: " << r.reason);
      CHECK(r.reward == 90);
    }
  }
}

TEST_CASE("grader: verdicts name the problem", "[grader]") {
  CHECK(Check("plan_refund_difference",
              "I switched you to the monthly plan, but the difference is non-refundable to your original payment method.") ==
        MessageVerdict::ContradictsPolicy);
  CHECK(Check("dashboard_404", "Please sign in again and let us know if the error keeps happening to you.") ==
        MessageVerdict::MissingFix);
  CHECK(Check("dashboard_404", "cache cookies sign in") == MessageVerdict::NotProse);
  CHECK(Check("dashboard_404",
              "Please clear your browser cache and cookies and sign in again. If that fails, use the forgot password "
              "link to get a reset link by email.") == MessageVerdict::ForeignFix);
  CHECK(Check("digital_refund", "") == MessageVerdict::Ok);  // an escalation note is optional
  CHECK(Check("billing_receipt", "") == MessageVerdict::MissingFix);
  CHECK(Check("billing_receipt", "   ") == MessageVerdict::MissingFix);
}

TEST_CASE("grader: phrases match whole words case-insensitively", "[grader]") {
  // "Sign-In" matches "sign in"; "signing" alone does not match "sign in" (README).
  CHECK(Check("dashboard_404", "Please clear the browser Cache and Cookies, then Sign-In again to reach the dashboard.") ==
        MessageVerdict::Ok);
  CHECK(Check("dashboard_404", "Please clear the browser cache and cookies, then keep signing documents for the team.") ==
        MessageVerdict::MissingFix);
  std::string norm;
  Text_Normalize("Sign-In, AGAIN!", &norm);
  CHECK(norm == " sign in again ");
  CHECK(Text_ContainsPhrase(norm, "sign in"));
  CHECK_FALSE(Text_ContainsPhrase(norm, "sign i"));
  CHECK_FALSE(Text_ContainsPhrase(" signing in ", "sign in"));
}

TEST_CASE("grader: a repeated content word is stuffing but normal repetition is fine", "[grader]") {
  CHECK(Check("billing_receipt",
              "Your receipt is on the billing history page; the receipt can be downloaded as a PDF, and the receipt "
              "was also emailed.") == MessageVerdict::Ok);  // "receipt" three times
  CHECK(Check("billing_receipt",
              "Your receipt is on the billing history page; the receipt can be downloaded, the receipt was emailed, "
              "and the receipt is a PDF.") == MessageVerdict::NotProse);  // four times
}

TEST_CASE("grader: MessageVerdict_Explain gives a reason for each verdict", "[grader]") {
  for (MessageVerdict v : {MessageVerdict::Ok, MessageVerdict::MissingFix, MessageVerdict::ContradictsPolicy,
                           MessageVerdict::NotProse, MessageVerdict::ForeignFix}) {
    CHECK(std::string(MessageVerdict_Explain(v)).size() > 10);
  }
  CHECK(std::string(MessageVerdict_Explain(MessageVerdict::ContradictsPolicy)) == "the message contradicts the policy");
}

// ---------------------------------------------------------------- natural wordings
// Wordings found missing from the phrase lists of scenarios/ (now covered).

TEST_CASE("grader natural wording: natural refund promises in a digital_refund escalation are rejected",
          "[grader][integrity]") {
  for (const char* msg : {
           "Escalating to a billing specialist. You will be refunded in full within five days.",
           "I'm handing this to a billing specialist, and we're going to refund you for the eBook.",
           "A full refund will be issued once a billing specialist reviews this.",
           "Passing this to billing: I've gone ahead and refunded the eBook.",
           "Escalated to a specialist. Your money will be returned to your card.",
           "I'll make sure you get a full refund; a specialist will contact you.",
           "We will give you a refund. Escalating now.",
           "I can confirm you will be refunded. Escalating to billing.",
           "Escalating to a billing specialist; we'll issue a full refund today.",
       }) {
    MessageVerdict v = Check("digital_refund", msg);
    INFO("digital_refund escalation note: \"" << msg << "\" -> " << VerdictName(v));
    CHECK(v == MessageVerdict::ContradictsPolicy);
  }
  // End to end: the promise must not earn +0.90.
  Env env("digital_refund");
  Classify(env.ep, Category::RefundRequest);
  StepResult r = Escalate(env.ep, "Escalating to a billing specialist. You will be refunded in full within five days.");
  CHECK(r.reward == 30);
}

TEST_CASE("grader natural wording: natural non-refundable statements on plan_refund_difference are rejected",
          "[grader][integrity]") {
  for (const char* msg : {
           "I've moved you to the monthly plan. Unfortunately, refunds aren't possible for the difference on your "
           "original payment method.",
           "Your plan is now monthly. We do not refund the difference to your original payment method, sorry.",
           "I've switched you to the monthly plan, but the difference will not be returned to your original payment method.",
           "I've switched you to the monthly plan, but I'm afraid the difference isn't something we can refund to your "
           "original payment method.",
       }) {
    MessageVerdict v = Check("plan_refund_difference", msg);
    INFO("plan_refund_difference resolution: \"" << msg << "\" -> " << VerdictName(v));
    CHECK(v != MessageVerdict::Ok);
  }
}

TEST_CASE("grader natural wording: natural receipt refusals on billing_receipt are rejected",
          "[grader][integrity]") {
  for (const char* msg : {
           "Unfortunately we can't send receipts for purchases, but your bank statement shows the charge and you can "
           "download it from your bank.",
           "Sorry, there is no receipt for this order; the invoice is not available to download or email.",
           "I'm afraid receipts cannot be provided, but you can check the billing history page for the charge.",
       }) {
    MessageVerdict v = Check("billing_receipt", msg);
    INFO("billing_receipt resolution: \"" << msg << "\" -> " << VerdictName(v));
    CHECK(v != MessageVerdict::Ok);
  }
}

TEST_CASE("grader natural wording: natural correct resolutions are accepted", "[grader]") {
  struct Case { const char* task; const char* message; };
  const Case cases[] = {
      {"billing_receipt", "Your receipt was attached to the order confirmation email we sent you yesterday."},
      {"dashboard_404", "Try clearing your browser cache and cookies, and then signing back in."},
      {"dashboard_404", "Clearing your browser's cache and cookies and then logging back in will fix the 404."},
      {"vip_outage", "Please end every active session and regenerate the workspace API key."},
      {"vague_complaint", "Please update your app, and if it still closes on launch, remove it and download it again."},
  };
  for (const Case& c : cases) {
    MessageVerdict v = Check(c.task, c.message);
    INFO(c.task << ": \"" << c.message << "\" -> " << VerdictName(v));
    CHECK(v == MessageVerdict::Ok);
  }
}

TEST_CASE("grader: a negated policy phrase is not a contradiction", "[grader][integrity]") {
  const ScenarioSet& set = Embedded();
  std::string scratch;
  const Mission& digital = set.missions[static_cast<std::size_t>(ScenarioSet_FindMission(set, "digital_refund"))];
  const Mission& plan = set.missions[static_cast<std::size_t>(ScenarioSet_FindMission(set, "plan_refund_difference"))];
  // Saying what policy forbids is policy-consistent...
  CHECK(Grader_CheckMessage(set, digital, "We cannot refund you for a downloaded eBook, so a billing specialist will review your case.", &scratch) == MessageVerdict::Ok);
  CHECK(Grader_CheckMessage(set, digital, "I can't issue a refund myself; I'm escalating this to a billing specialist.", &scratch) == MessageVerdict::Ok);
  // ...but a promise later in the same message still is a contradiction.
  CHECK(Grader_CheckMessage(set, digital, "We cannot refund you today, but we will refund you next week.", &scratch) == MessageVerdict::ContradictsPolicy);
  // Denying that the plan is non-refundable is fine; asserting it is not.
  CHECK(Grader_CheckMessage(set, plan, "Good news: the yearly plan is not non refundable. I switched you to the monthly plan and the prorated difference goes back to your original payment method.", &scratch) == MessageVerdict::Ok);
  CHECK(Grader_CheckMessage(set, plan, "I switched you to the monthly plan, but the yearly plan is non refundable, so the difference stays on your original payment method.", &scratch) == MessageVerdict::ContradictsPolicy);
}
