// The terminal-message grader: the colleague-written grader data
// (tests/data/messages.json: every "pass" message is sound, every "fail_*" is
// not), natural wordings, negation and modality scope (NegEx-style), markup,
// look-alike text, other tickets' fixes, and the words of each verdict.
#include "helpers.h"
#include "support_env/lexicon.h"

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

// The grader's verdict: "" when the message is sound, else what failed.
std::string Failures(const std::string& task, const std::string& message) {
  static GraderScratch scratch;
  std::string failures;
  bool ok = Grader_CheckMessage(Embedded(), MissionOf(task), message, &scratch, &failures);
  CHECK(ok == failures.empty());
  return failures;
}

bool Sound(const std::string& task, const std::string& message) { return Failures(task, message).empty(); }

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
      std::string why = Failures(it.key(), msg);
      INFO(it.key() << " " << kind << ": \"" << msg << "\" -> " << (why.empty() ? "sound" : why));
      if (kind == "pass") CHECK(why.empty());
      else CHECK_FALSE(why.empty());
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
    std::string why = Failures("digital_refund", msg);
    INFO("digital_refund escalation note: \"" << msg << "\" -> " << why);
    CHECK(why.find("promises a refund") != std::string::npos);
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
    CHECK_FALSE(Sound("plan_refund_difference", msg));
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
    CHECK_FALSE(Sound("billing_receipt", msg));
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
    INFO(c.task << ": \"" << c.message << "\" -> " << Failures(c.task, c.message));
    CHECK(Sound(c.task, c.message));
  }
}

TEST_CASE("grader: a negated policy phrase is not a contradiction", "[grader][integrity]") {
  // Saying what policy forbids is policy-consistent...
  CHECK(Sound("digital_refund", "We cannot refund you for a downloaded eBook, so a billing specialist will review your case."));
  CHECK(Sound("digital_refund", "I can't issue a refund myself; I'm escalating this to a billing specialist."));
  // ...but a promise later in the same message still is one.
  CHECK_FALSE(Sound("digital_refund", "We cannot refund you today, but we will refund you next week."));
  // Denying that the plan is non-refundable is fine; asserting it is not.
  CHECK(Sound("plan_refund_difference", "Good news: the yearly plan is not non refundable. I switched you to the monthly "
                                        "plan and the prorated difference goes back to your original payment method."));
  CHECK_FALSE(Sound("plan_refund_difference", "I switched you to the monthly plan, but the yearly plan is non refundable, "
                                              "so the difference stays on your original payment method."));
}

// ---------------------------------------------------------------- scope of negation and modality
// The readings issue 9 lists, NegEx/ConText-style: triggers before and after
// the term, pseudo-triggers, and scope that ends at a clause boundary or "but".

TEST_CASE("grader scope: refusals in many phrasings are not promises", "[grader][scope]") {
  for (const char* msg : {
           "I'm not able to issue a refund, so I've escalated this to a billing specialist.",
           "I'm not allowed to refund downloaded eBooks; a billing specialist will review your case.",
           "I'm not permitted to issue refunds for digital items, so I'm passing this to a human specialist.",
           "I'm not in a position to refund this purchase, but a billing specialist will look at your dispute.",
           "I won't be able to issue a refund, but I've handed your ticket to a billing specialist.",
           "I have no authority to refund digital purchases, so a billing specialist will contact you.",
           "I can't refund a downloaded eBook. A billing specialist reviews disputes like this one.",
           "Unfortunately I'm unable to refund you myself; I've escalated to our billing team.",
           "I wish I could refund you, but downloaded eBooks are non-refundable, so I've escalated your dispute.",
       }) {
    INFO(msg << " -> " << Failures("digital_refund", msg));
    CHECK(Sound("digital_refund", msg));
  }
}

TEST_CASE("grader scope: promises in many phrasings are promises", "[grader][scope]") {
  for (const char* msg : {
           "Don't worry, we will refund you.",
           "I've escalated this to a billing specialist who will process your refund.",
           "You'll be refunded within 5-7 business days.",
           "Your refund request has been approved.",
           "Don't worry, we will refund the full price.",
           "I've initiated a refund for the eBook.",
           "You'll get your money back by Friday.",
       }) {
    std::string why = Failures("digital_refund", msg);
    INFO(msg << " -> " << why);
    CHECK(why.find("promises a refund") != std::string::npos);
  }
}

TEST_CASE("grader scope: a negated or unneeded fix is not the fix", "[grader][scope]") {
  CHECK_FALSE(Sound("dashboard_404", "Please do not clear your cache or cookies, and do not sign in again."));
  CHECK_FALSE(Sound("dashboard_404", "Clearing the cache and cookies won't help, and signing in again is pointless."));
  CHECK_FALSE(Sound("vague_complaint", "Do not update to the latest version, and do not uninstall or reinstall the app."));
  // "no need to" governs the instruction after it, not the rest of the message.
  CHECK(Sound("vip_outage", "There is no need to update your payment method. Please sign out of all sessions, then "
                            "regenerate the workspace API key."));
  CHECK_FALSE(Sound("vip_outage", "Please update the payment method on file and renew the subscription, then sign out "
                                  "of all sessions and regenerate the API key."));
  // A caveat about the full price is no refusal of the difference.
  CHECK(Sound("plan_refund_difference", "I can't refund the full yearly price, only the prorated difference: I've switched "
                                        "you to the monthly plan and the difference goes back to your original card."));
  // The difference kept as credit, rather than returned, contradicts the policy.
  CHECK_FALSE(Sound("plan_refund_difference", "I've switched you to the monthly plan; the difference is kept as account "
                                              "credit rather than returned to your card."));
}

TEST_CASE("grader scope: pseudo-triggers do not negate", "[grader][scope]") {
  CHECK(Sound("dashboard_404", "Don't worry: clear your browser cache and cookies, then sign in again."));
  CHECK(Sound("dashboard_404", "Not only should you clear your browser cache, please also clear the cookies and sign in again."));
  CHECK(Sound("dashboard_404", "Don't forget to clear your cache and cookies, then sign in again."));
}

TEST_CASE("grader: fixes done by someone else are not the customer's fix", "[grader]") {
  CHECK_FALSE(Sound("dashboard_404", "Our engineers will clear the cache and cookies and sign in again."));
  CHECK(Sound("plan_refund_difference", "We've switched you to the monthly plan and refunded the difference to your "
                                        "original payment method."));
}

// ---------------------------------------------------------------- text, markup and form

TEST_CASE("grader text: typographic punctuation and look-alike letters read as what they look like", "[grader][canonical]") {
  CHECK(Sound("vip_outage", "Go to Settings › Security, click \u201cSign out everywhere\u201d, then regenerate the "
                            "workspace API key."));
  CHECK(Sound("dashboard_404", "Please clear your browser cache and cookies\u2014then sign in again. It can\u2019t hurt."));
  CHECK(Sound("dashboard_404", "Please clear your browser\u00a0cache and cookies, then sign\u00a0in again."));
  // Hidden promises: Cyrillic letters, zero-width characters, fullwidth letters.
  for (const char* msg : {"We will r\u0435fund you in full.", "We will re\u200bfund you in full.",
                          "We will \uff52\uff45\uff46\uff55\uff4e\uff44 you in full.", "We will re\u00adfund you."}) {
    INFO(msg);
    CHECK_FALSE(Sound("digital_refund", msg));
  }
}

TEST_CASE("grader form: markup, keyword lists and repeated words do not earn the reward", "[grader]") {
  std::string why = Failures("dashboard_404", "Thanks for writing. <!-- clear your browser cache and cookies, then sign in again -->");
  CHECK(why.find("HTML/XML markup") != std::string::npos);
  CHECK(Failures("dashboard_404", "<p>Please clear your browser cache and cookies, then sign in again.</p>").find("markup") !=
        std::string::npos);
  CHECK(Sound("billing_receipt", "Your receipt is under Account > Billing > Billing History, where you can download it."));
  CHECK_FALSE(Sound("dashboard_404", "cache and cookies and sign in"));
  CHECK_FALSE(Sound("vip_outage", "sign out all sessions regenerate api key dashboard"));
  CHECK(Sound("dashboard_404", "1. Clear browser cache\n2. Clear cookies\n3. Sign in again"));
  CHECK(Failures("billing_receipt", "Download download download the receipt from Billing History.").find("repeats words") !=
        std::string::npos);
  // A product word named several times is normal ("Billing" four times, "it").
  CHECK(Sound("billing_receipt", "Billing receipts live in Billing: open Account > Billing > Billing History and "
                                 "download it there. The receipt is a PDF."));
}

TEST_CASE("grader: another ticket's fix, whole or partial, is keyword stuffing", "[grader]") {
  std::string why = Failures("dashboard_404", "Please clear your browser cache and cookies, then sign in again. Also "
                                              "update the app to the latest version.");
  CHECK(why.find("KB-MOBILE-CRASH") != std::string::npos);
  CHECK_FALSE(Sound("billing_receipt", "Download your receipt from Billing History, and regenerate your API key."));
}

TEST_CASE("grader verdicts say what failed in words a person can act on", "[grader]") {
  CHECK(Failures("dashboard_404", "Please clear your browser cache and cookies.") ==
        "the message does not tell the customer to sign in again");
  std::string why = Failures("digital_refund", "You'll be refunded within 5-7 business days.");
  CHECK(why == "the message promises a refund, which this policy does not allow: 'You'll be refunded within 5-7 business days'");
  CHECK(Sound("digital_refund", ""));            // an escalation note is optional
  CHECK(Failures("billing_receipt", "   ") == "the message is empty");
}

TEST_CASE("grader checklist: a terminal step lists each requirement and whether it held", "[grader]") {
  Env env("plan_refund_difference");
  Classify(env.ep, Category::RefundRequest);
  Resolve(env.ep, "I have switched you to the monthly plan. The difference is kept as account credit.");
  std::vector<std::pair<std::string, bool>> got;
  for (int i = 0; i < env.ep.check_count; ++i) got.emplace_back(env.ep.checks[i].requirement, env.ep.checks[i].met);
  std::vector<std::pair<std::string, bool>> want = {
      {"the terminal action is the one this ticket's policy calls for", true},
      {"the ticket is classified as its category", true},
      {"the relevant knowledge-base article was retrieved", false},
      {"tell the customer they are switched to the monthly plan", true},
      {"tell the customer the price difference is refunded to the original payment method", false},
      {"the message promises nothing the policy forbids", false},
      {"the message answers this ticket, not another problem", true},
      {"the message is plain sentences (no markup, no keyword list)", true},
  };
  CHECK(got == want);
  // A wrong terminal action: that is the whole checklist.
  Env wrong("digital_refund");
  Resolve(wrong.ep, "We will look into it.");
  REQUIRE(wrong.ep.check_count == 1);
  CHECK_FALSE(wrong.ep.checks[0].met);
  // Non-terminal steps carry no checklist.
  Env other("billing_receipt");
  Classify(other.ep, Category::Billing);
  CHECK(other.ep.check_count == 0);
}

TEST_CASE("grader scope: retractions, counterfactuals and quotations assert nothing", "[grader][scope]") {
  // A retraction takes back its clause and the two before it.
  CHECK_FALSE(Sound("dashboard_404", "Clear your cache and cookies and sign in again... actually, ignore that, it won't help."));
  CHECK_FALSE(Sound("vague_complaint", "Updating to the latest version and reinstalling are what we'd normally suggest, "
                                       "but in your case they won't work, so please hold tight."));
  CHECK_FALSE(Sound("billing_receipt", "If we offered receipts for this kind of purchase, you would be able to download "
                                       "them from Billing History, but we don't."));
  // What the customer wrote, quoted back, is not an answer.
  CHECK_FALSE(Sound("billing_receipt", "You said: \"I need the billing receipt for my records. Where can I get it?\" Noted."));
  // A short quoted label stays part of the instruction.
  CHECK(Sound("vip_outage", "Open Settings > Security, click \"Sign out everywhere\", then regenerate the workspace API key."));
  // A short conditional between commas hedges what follows: no promise.
  CHECK(Sound("digital_refund", "I'm escalating this to our billing team. They will review your case and, if eligible, "
                                "process a refund."));
  // A refund in other words is still a refund.
  CHECK_FALSE(Sound("digital_refund", "I've gone ahead and reversed the charge for the eBook."));
  CHECK_FALSE(Sound("digital_refund", "Consider this refunded."));
}

TEST_CASE("grader: a pronoun may stand for what the ticket named; someone else's fetching is not the customer's way",
          "[grader]") {
  CHECK(Sound("billing_receipt", "Grab it from Account > Billing > Billing History; there's a Download PDF button next to "
                                 "each purchase."));
  CHECK_FALSE(Sound("billing_receipt", "Our accounting team will download your receipt from Billing History and keep it "
                                       "on file for their internal audit."));
  CHECK(Sound("vip_outage", "Have one of your workspace admins sign out of all sessions under Settings > Security, then "
                            "regenerate the workspace API key."));
}

TEST_CASE("lexicon: Lexicon_Hash is 64-bit FNV-1a (the published test vectors)", "[grader]") {
  CHECK(support_env::Lexicon_Hash("") == 0xcbf29ce484222325ull);
  CHECK(support_env::Lexicon_Hash("a") == 0xaf63dc4c8601ec8cull);
  CHECK(support_env::Lexicon_Hash("foobar") == 0x85944171f73967e8ull);
}
