// The JSON-lines protocol (mission.md §3.1) and the observation (§2.9).
#include "../../engine/src/json_writer.h"
#include "../../engine/src/splitmix.h"
#include "helpers.h"

using namespace test;

namespace {

void CheckObservationShape(const json& o) {
  REQUIRE(o.is_object());
  CHECK(o["task_id"].is_string());
  CHECK(o["ticket_id"].is_string());
  CHECK(o["difficulty"].is_string());
  CHECK(o["customer_name"].is_string());
  CHECK(o["customer_tier"].is_string());
  CHECK(o["sentiment"].is_string());
  CHECK((o["issue_category"].is_null() || o["issue_category"].is_string()));
  CHECK((o["knowledge_base_result"].is_null() || o["knowledge_base_result"].is_object()));
  if (o["knowledge_base_result"].is_object()) {
    CHECK(o["knowledge_base_result"]["id"].is_string());
    CHECK(o["knowledge_base_result"]["title"].is_string());
    CHECK(o["knowledge_base_result"]["text"].is_string());
  }
  REQUIRE(o["conversation_history"].is_array());
  CHECK(o["conversation_history"].size() >= 1);
  for (const json& line : o["conversation_history"]) {
    REQUIRE(line.is_object());
    CHECK(line.size() == 2);
    REQUIRE(line["role"].is_string());
    std::string role = line["role"].get<std::string>();
    CHECK((role == "customer" || role == "agent" || role == "system"));
    CHECK(line["text"].is_string());
  }
  CHECK(o["step_count"].is_number_integer());
  CHECK(o["max_steps"] == 10);
  REQUIRE(o["questions_left"].is_number_integer());
  CHECK(o["questions_left"] >= 0);
  CHECK(o["done"].is_boolean());
  if (o["done"] == true) CHECK(o["questions_left"] == 0);
  CHECK(o["cumulative_reward"].is_number());
  CHECK((o["last_action_error"].is_null() || o["last_action_error"].is_string()));
  REQUIRE(o.contains("outcome"));
  REQUIRE(o.contains("success"));
  if (o["done"] == true) {
    REQUIRE(o["outcome"].is_string());
    std::string out = o["outcome"].get<std::string>();
    CHECK((out == "resolved" || out == "escalated" || out == "customer_left" || out == "step_limit"));
    CHECK(o["success"].is_boolean());
  } else {
    CHECK(o["outcome"].is_null());
    CHECK(o["success"].is_null());
  }
}

// Everything the engine knows but must not tell: field names, and for good
// measure the hidden values of the mission as field values.
void CheckReveals(const std::string& raw) {
  INFO(raw);
  CHECK(raw.find("correct_category") == std::string::npos);
  CHECK(raw.find("correct_terminal") == std::string::npos);
  CHECK(raw.find("relevant_articles") == std::string::npos);
  CHECK(raw.find("requirements") == std::string::npos);
  CHECK(raw.find("message_must") == std::string::npos);
  CHECK(raw.find("needs_clarification") == std::string::npos);
}

}  // namespace

TEST_CASE("protocol: tasks lists the six missions in order with id, title, difficulty, summary", "[protocol]") {
  Client c;
  json r = c.Call(R"({"op":"tasks"})");
  CHECK(r["ok"] == true);
  REQUIRE(r["tasks"].is_array());
  REQUIRE(r["tasks"].size() == 6);
  const char* titles[] = {"Billing Receipt Request", "Dashboard Error 404", "Digital Item Refund Demand",
                          "VIP Outage", "Vague Complaint", "Subscription Plan Refund Difference"};
  const char* difficulties[] = {"Easy", "Medium", "Hard", "Hard", "Medium", "Hard"};
  for (std::size_t i = 0; i < 6; ++i) {
    const json& t = r["tasks"][i];
    CHECK(t["id"] == TaskIds()[i]);
    CHECK(t["title"] == titles[i]);
    CHECK(t["difficulty"] == difficulties[i]);
    CHECK(t["summary"].is_string());
    CHECK_FALSE(t["summary"].get<std::string>().empty());
  }
  CheckReveals(c.Raw(R"({"op":"tasks"})"));
}

TEST_CASE("protocol: spec reports the environment constants", "[protocol]") {
  Client c;
  json r = c.Call(R"({"op":"spec"})");
  REQUIRE(r["ok"] == true);
  CHECK(r["spec"]["max_steps"] == 10);
  CHECK(r["spec"]["tasks"] == 6);
  CHECK(r["spec"]["max_text_bytes"] == 2000);
  CHECK(r["spec"]["actions"].size() == 5);
  CHECK(r["spec"]["categories"] == json({"Billing", "Technical", "Refund_Request"}));
  CHECK(ToCents(r["spec"]["max_score"]) == 99);
}

TEST_CASE("protocol: reset returns the canonical observation", "[protocol][observation]") {
  Client c;
  json r = c.Reset("billing_receipt", 0);
  const json& o = r["observation"];
  CheckObservationShape(o);
  CHECK(o["task_id"] == "billing_receipt");
  CHECK(o["ticket_id"] == "TKT-101");
  CHECK(o["difficulty"] == "Easy");
  CHECK(o["customer_name"] == "Emma Wilson");
  CHECK(o["customer_tier"] == "Standard");
  CHECK(o["sentiment"] == "Neutral");
  CHECK(o["issue_category"].is_null());
  CHECK(o["knowledge_base_result"].is_null());
  REQUIRE(o["conversation_history"].size() == 1);
  CHECK(o["conversation_history"][0]["role"] == "customer");
  CHECK(o["conversation_history"][0]["text"] == MissionOf("billing_receipt").variants[0].ticket_text);
  CHECK(o["step_count"] == 0);
  CHECK(o["done"] == false);
  CHECK(ToCents(o["cumulative_reward"]) == 0);
  CHECK(o["last_action_error"].is_null());
  CHECK(o["outcome"].is_null());
  CHECK(o["success"].is_null());
}

TEST_CASE("protocol: reset without seed uses seed 0", "[protocol]") {
  Client a, b;
  CHECK(a.Raw(R"({"op":"reset","task":"vip_outage"})") == b.Raw(R"({"op":"reset","task":"vip_outage","seed":0})"));
  CHECK(a.Raw(R"({"op":"reset","task":"vip_outage","seed":null})") == b.Raw(R"({"op":"reset","task":"vip_outage"})"));
}

TEST_CASE("protocol: step response carries observation, reward, done and a reason", "[protocol]") {
  Client c;
  c.Reset("billing_receipt");
  std::string raw = c.Raw(R"({"op":"step","action":{"action_type":"classify_issue","category_guess":"Billing"}})");
  CHECK(raw.find("\"reward\":0.03,") != std::string::npos);
  CHECK(raw.find("\"cumulative_reward\":0.03,") != std::string::npos);
  json r = json::parse(raw);
  CHECK(r["ok"] == true);
  CHECK(ToCents(r["reward"]) == 3);
  CHECK(r["done"] == false);
  REQUIRE(r["info"]["reason"].is_string());
  CHECK(r["info"]["reason"].get<std::string>().find("+0.03") != std::string::npos);
  CHECK(r["info"]["valid"] == true);
  CheckObservationShape(r["observation"]);
  CHECK(r["observation"]["issue_category"] == "Billing");
  CHECK(r["observation"]["step_count"] == 1);
}

TEST_CASE("protocol: rewards are written with two decimals", "[protocol]") {
  const Script& s = ScriptOf("billing_receipt");
  Client c;
  c.Reset(s.task);
  std::string raw = c.Raw(json{{"op", "step"}, {"action", {{"action_type", "search_kb"}, {"search_query", "xyzzy"}}}}.dump());
  CHECK(raw.find("\"reward\":0.00,") != std::string::npos);
  raw = c.Raw(json{{"op", "step"}, {"action", {{"action_type", "resolve_ticket"}, {"message_to_customer", s.message}}}}.dump());
  CHECK(raw.find("\"reward\":0.30,") != std::string::npos);
  CHECK(raw.find("\"done\":true,") != std::string::npos);
}

TEST_CASE("protocol: a full successful episode over the wire", "[protocol][observation]") {
  const Script& s = ScriptOf("vague_complaint");
  Client c;
  c.Reset(s.task);
  json r = c.Step({{"action_type", "ask_clarifying_question"}, {"message_to_customer", "What exactly is broken?"}});
  CHECK(ToCents(r["reward"]) == 1);
  const json& conv = r["observation"]["conversation_history"];
  REQUIRE(conv.size() == 3);
  CHECK(conv[1]["role"] == "agent");
  CHECK(conv[1]["text"] == "What exactly is broken?");
  CHECK(conv[2]["role"] == "customer");
  r = c.Step({{"action_type", "classify_issue"}, {"category_guess", "Technical"}});
  CHECK(r["observation"]["issue_category"] == "Technical");
  r = c.Step({{"action_type", "search_kb"}, {"search_query", s.query}});
  CHECK(r["observation"]["knowledge_base_result"]["id"] == "KB-MOBILE-CRASH");
  r = c.Step({{"action_type", "resolve_ticket"}, {"message_to_customer", s.message}});
  CheckObservationShape(r["observation"]);
  CHECK(ToCents(r["reward"]) == 90);
  CHECK(r["done"] == true);
  CHECK(r["observation"]["done"] == true);
  CHECK(r["observation"]["outcome"] == "resolved");
  CHECK(r["observation"]["success"] == true);
  CHECK(r["observation"]["sentiment"] == "Happy");
  CHECK(ToCents(r["observation"]["cumulative_reward"]) == 99);
  json st = c.State();
  CHECK(st["ok"] == true);
  CHECK(st["state"]["task_id"] == "vague_complaint");
  CHECK(st["state"]["done"] == true);
  CHECK(st["state"]["outcome"] == "resolved");
  CHECK(st["state"]["success"] == true);
  CHECK(st["state"]["step_count"] == 4);
  CHECK(st["state"]["questions_asked"] == 1);
}

TEST_CASE("protocol: outcome and success once done for each ending", "[protocol][observation]") {
  SECTION("escalated, failed") {
    Client c;
    c.Reset("billing_receipt");
    json r = c.Step({{"action_type", "escalate_to_human"}, {"message_to_customer", "Over to billing."}});
    CHECK(r["observation"]["outcome"] == "escalated");
    CHECK(r["observation"]["success"] == false);
    CHECK(r["observation"]["sentiment"] == "Angry");
  }
  SECTION("customer_left") {
    Client c;
    c.Reset("vip_outage");
    c.Step({{"action_type", "ask_clarifying_question"}, {"message_to_customer", "Which browser?"}});
    json r = c.Step({{"action_type", "ask_clarifying_question"}, {"message_to_customer", "Which OS?"}});
    CHECK(r["done"] == true);
    CHECK(r["observation"]["outcome"] == "customer_left");
    CHECK(r["observation"]["success"] == false);
  }
  SECTION("step_limit") {
    Client c;
    c.Reset("billing_receipt");
    json r;
    for (int i = 0; i < 10; ++i) r = c.Step({{"action_type", "search_kb"}, {"search_query", "receipt"}});
    CHECK(r["done"] == true);
    CHECK(r["observation"]["step_count"] == 10);
    CHECK(r["observation"]["outcome"] == "step_limit");
    CHECK(r["observation"]["success"] == false);
    CheckObservationShape(r["observation"]);
  }
}

TEST_CASE("protocol: the observation never reveals the answer", "[protocol][observation]") {
  for (const Script& s : Scripts()) {
    INFO(s.task);
    Client c;
    CheckReveals(c.Raw(json{{"op", "reset"}, {"task", s.task}, {"seed", 3}}.dump()));
    CheckReveals(c.Raw(R"({"op":"state"})"));
    json obs = c.Call(R"({"op":"state"})");
    CHECK_FALSE(obs["state"].contains("category"));
    json reset = c.Reset(s.task);
    const json& o = reset["observation"];
    for (auto it = o.begin(); it != o.end(); ++it) {
      INFO("field " << it.key());
      CHECK(it.key().find("correct") == std::string::npos);
    }
    // issue_category is only ever the agent's own guess.
    CHECK(o["issue_category"].is_null());
    for (const char* a : {R"({"action_type":"search_kb","search_query":"refund"})",
                          R"({"action_type":"ask_clarifying_question","message_to_customer":"Anything else?"})",
                          R"({"action_type":"bogus"})"}) {
      CheckReveals(c.Raw(std::string(R"({"op":"step","action":)") + a + "}"));
    }
    CheckReveals(c.Raw(json{{"op", "step"}, {"action", {{"action_type", "resolve_ticket"}, {"message_to_customer", "Done."}}}}.dump()));
    CheckReveals(c.Raw(R"({"op":"state"})"));
  }
}

TEST_CASE("protocol: issue_category shows the latest classification", "[protocol][observation]") {
  Client c;
  c.Reset("dashboard_404");
  json r = c.Step({{"action_type", "classify_issue"}, {"category_guess", "Refund_Request"}});
  CHECK(r["observation"]["issue_category"] == "Refund_Request");
  r = c.Step({{"action_type", "classify_issue"}, {"category_guess", "Technical"}});
  CHECK(r["observation"]["issue_category"] == "Technical");
}

TEST_CASE("protocol: reset during an episode starts over", "[protocol]") {
  Client c;
  c.Reset("billing_receipt");
  c.Step({{"action_type", "classify_issue"}, {"category_guess", "Billing"}});
  json r = c.Reset("plan_refund_difference", 0);
  CHECK(r["observation"]["task_id"] == "plan_refund_difference");
  CHECK(r["observation"]["step_count"] == 0);
  CHECK(r["observation"]["issue_category"].is_null());
  CHECK(ToCents(r["observation"]["cumulative_reward"]) == 0);
  json fresh = Client().Reset("plan_refund_difference", 0);
  CHECK(r == fresh);
}

TEST_CASE("protocol: state before reset is an error and state reports the variant", "[protocol]") {
  Client c;
  json r = c.State();
  CHECK(r["ok"] == false);
  CHECK(r["error"].get<std::string>().find("reset") != std::string::npos);
  const Mission& m = MissionOf("dashboard_404");
  std::uint64_t seed = SeedForVariant(2, static_cast<int>(m.variants.size()));
  c.Reset("dashboard_404", seed);
  r = c.State();
  CHECK(r["ok"] == true);
  CHECK(r["state"]["seed"] == seed);
  CHECK(r["state"]["variant"] == 2);
  CHECK(r["state"]["ticket_id"] == m.variants[2].ticket_id);
  CHECK(r["state"]["done"] == false);
  CHECK(r["state"]["outcome"].is_null());
  CHECK(r["state"]["success"].is_null());
  CHECK(r["state"]["rewards"] == json::array());
}

TEST_CASE("protocol: text with quotes, control characters and non-ASCII round-trips", "[protocol]") {
  Client c;
  c.Reset("vague_complaint");
  std::string question = "Is it the \"app\"?\n\tOr the site\\web? caf\xC3\xA9 \xF0\x9F\x98\x80 \x01";
  json r = c.Step({{"action_type", "ask_clarifying_question"}, {"message_to_customer", question}});
  REQUIRE(r["ok"] == true);
  CHECK(r["observation"]["conversation_history"][1]["text"] == question);
  CHECK(r["observation"]["last_action_error"].is_null());
}

// Two sessions mid-episode on the same mission: one with the fast paths, one
// that always takes the full parser.
struct FastAndFull {
  Client fast, full;
  FastAndFull() {
    full.probe.fast_path = false;
    fast.Reset("vague_complaint", 1);
    full.Reset("vague_complaint", 1);
  }
};

TEST_CASE("protocol: the step fast path answers exactly as the full JSON parser", "[protocol]") {
  // Each line is sent after the same reset to a session with the fast path
  // and one without; the responses must match byte for byte.
  struct Case {
    const char* line;
    bool fast;  // expected to take the fast path
  };
  const Case cases[] = {
      {R"({"op":"step","action":{"action_type":"classify_issue","category_guess":"Technical"}})", true},
      {R"({"action":{"category_guess":"Billing","action_type":"classify_issue"},"op":"step"})", true},
      {" { \"op\" : \"step\" ,\n\t\"action\" : { \"action_type\" : \"search_kb\" , \"search_query\" : \"error 404\" } } \r", true},
      {R"({"op": "step", "action": {"action_type": "ask_clarifying_question", "message_to_customer": "What is broken?"}})", true},
      {R"({"op":"step","action":{"action_type":"escalate_to_human"}})", true},
      {R"({"op":"step","action":{"action_type":"resolve_ticket","message_to_customer":""}})", true},
      {R"({"op":"step","action":{"action_type":"search_kb","search_query":"   "}})", true},
      // Everything below goes to the full parser.
      {R"({"op":"step","action":{"action_type":"escalate_to_human","message_to_customer":null}})", false},
      {R"({"op":"step","action":{"action_type":"classify_issue","category_guess":"billing"}})", false},
      {R"({"op":"step","action":{"action_type":"classify_issue","category_guess":"Billing","search_query":"x"}})", false},
      {R"({"op":"step","action":{"action_type":"classify_issue","action_type":"search_kb","search_query":"x"}})", false},
      {R"({"op":"step","op":"step","action":{"action_type":"search_kb","search_query":"x"}})", false},
      {R"({"op":"step","action":{"action_type":"search_kb","search_query":"caf\u00e9"}})", false},
      {"{\"op\":\"step\",\"action\":{\"action_type\":\"search_kb\",\"search_query\":\"caf\xc3\xa9\"}}", false},
      {"{\"op\":\"step\",\"action\":{\"action_type\":\"search_kb\",\"search_query\":\"caf\xff\"}}", false},
      {R"({"op":"step","action":{"action_type":"search_kb","search_query":"a\"b"}})", false},
      {R"({"op":"step","action":{"action_type":"search_kb","search_query":42}})", false},
      {R"({"op":"step","action":{"action_type":"fly","search_query":"x"}})", false},
      {R"({"op":"step","action":{"search_query":"x"}})", false},
      {R"({"op":"step","action":{}})", false},
      {R"({"op":"step","action":"search_kb"})", false},
      {R"({"op":"step"})", false},
      {R"({"op":"step","action":{"action_type":"search_kb","search_query":"x"},"extra":1})", false},
      {R"({"op":"step","action":{"action_type":"search_kb","search_query":"x"}} trailing)", false},
      {R"({"op":"step","action":{"action_type":"search_kb","search_query":"x"}}})", false},
      {R"({"op":"step","action":{"action_type":"search_kb","search_query":"x",}})", false},
      {R"({"op":"step","action":{"action_type":"search_kb","search_query":"x"})", false},
      {R"({"op":"steps","action":{"action_type":"search_kb","search_query":"x"}})", false},
      {R"({"op":"step","action":{"action_type":"search_kb","search_query":"x"})" "\x0b}", false},
  };
  for (const Case& c : cases) {
    INFO("line: " << c.line);
    FastAndFull clients;
    Client& fast = clients.fast;
    Client& full = clients.full;
    std::string a = fast.Raw(c.line);
    std::string b = full.Raw(c.line);
    CHECK(a == b);
    CHECK(fast.probe.fast_steps_served == (c.fast ? 1u : 0u));
    CHECK(full.probe.fast_steps_served == 0u);
  }
  // Before a reset and after the end, the fast path is not taken: the errors are the usual ones.
  Client fresh;
  const char* plain = R"({"op":"step","action":{"action_type":"escalate_to_human"}})";
  CHECK(json::parse(fresh.Raw(plain))["ok"] == false);
  fresh.Reset("digital_refund", 0);
  CHECK(json::parse(fresh.Raw(plain))["done"] == true);
  CHECK(json::parse(fresh.Raw(plain))["error"] == "the episode is over: send {\"op\":\"reset\",…} to start a new one");
  CHECK(fresh.probe.fast_steps_served == 1u);
}

TEST_CASE("protocol: a NUL byte is refused on the fast paths' lines too", "[protocol]") {
  using namespace std::string_literals;
  const std::string lines[] = {
      "{\"op\":\"step\",\"action\":{\"action_type\":\"search_kb\",\"search_query\":\"a\0b\"}}"s,
      "{\"op\":\"step\",\"action\":{\"action_type\":\"escalate_to_human\"}}\0"s,
      "{\"op\":\"reset\",\"task\":\"billing_receipt\",\0\"seed\":1}"s,
      "\0{\"op\":\"reset\",\"task\":\"billing_receipt\"}"s,
  };
  for (const std::string& line : lines) {
    Client c;
    c.Reset("vague_complaint", 1);
    CHECK(json::parse(c.Raw(line))["error"] == "request is not valid JSON (it contains a NUL byte)");
    CHECK(c.probe.fast_steps_served == 0u);
    CHECK(c.probe.fast_resets_served == 1u);  // the Reset above only
  }
}

TEST_CASE("protocol: the reset fast path answers exactly as the full JSON parser", "[protocol]") {
  // Each line goes to a session with the fast path and one without, both
  // after the same earlier step; responses and the episodes that follow must match.
  struct Case {
    const char* line;
    bool fast;  // expected to take the fast path
  };
  const Case cases[] = {
      {R"({"op":"reset","task":"billing_receipt","seed":0})", true},
      {R"({"op":"reset","task":"vip_outage","seed":7})", true},
      {R"({"seed":9007199254740991,"task":"vague_complaint","op":"reset"})", true},
      {" { \"op\" : \"reset\" ,\n\t\"task\" : \"digital_refund\" } \r", true},
      {R"({"op": "reset", "task": "billing_receipt", "seed": null})", true},
      {R"({"op":"reset","task":"billing_receipt","seed":1234567890123456})", true},
      // Everything below goes to the full parser.
      {R"({"op":"reset","task":"billing_receipt","seed":9007199254740992})", false},
      {R"({"op":"reset","task":"billing_receipt","seed":12345678901234567})", false},
      {R"({"op":"reset","task":"billing_receipt","seed":-1})", false},
      {R"({"op":"reset","task":"billing_receipt","seed":-0})", false},
      {R"({"op":"reset","task":"billing_receipt","seed":007})", false},
      {R"({"op":"reset","task":"billing_receipt","seed":1.0})", false},
      {R"({"op":"reset","task":"billing_receipt","seed":1e3})", false},
      {R"({"op":"reset","task":"billing_receipt","seed":"3"})", false},
      {R"({"op":"reset","task":"billing_receipt","seed":nul})", false},
      {R"({"op":"reset","task":"billing_receipt","seed":nullx})", false},
      {R"({"op":"reset","task":"no_such_task","seed":0})", false},
      {R"({"op":"reset","task":"billing\u005freceipt","seed":0})", false},
      {R"({"op":"reset","seed":0})", false},
      {R"({"op":"reset","task":null})", false},
      {R"({"op":"reset","task":"billing_receipt","task":"vip_outage"})", false},
      {R"({"op":"reset","task":"billing_receipt","seed":1,"seed":2})", false},
      {R"({"op":"reset","task":"billing_receipt","extra":1})", false},
      {R"({"op":"reset","task":"billing_receipt"} trailing)", false},
      {R"({"op":"reset","task":"billing_receipt",})", false},
      {R"({"op":"reset","task":"billing_receipt")", false},
      {R"({"op":"Reset","task":"billing_receipt"})", false},
  };
  for (const Case& c : cases) {
    INFO("line: " << c.line);
    FastAndFull clients;
    Client& fast = clients.fast;
    Client& full = clients.full;
    const char* step = R"({"op":"step","action":{"action_type":"classify_issue","category_guess":"Technical"}})";
    CHECK(fast.Raw(step) == full.Raw(step));
    std::uint64_t resets_before = fast.probe.fast_resets_served;
    CHECK(fast.Raw(c.line) == full.Raw(c.line));
    CHECK(fast.probe.fast_resets_served - resets_before == (c.fast ? 1u : 0u));
    CHECK(full.probe.fast_resets_served == 0u);
    CHECK(fast.Raw(step) == full.Raw(step));
    CHECK(fast.Raw(R"({"op":"state"})") == full.Raw(R"({"op":"state"})"));
  }
}

// ------------------------------------------------------------------ stats op

namespace {

// One task's figures from a stats response.
const json& TaskStats(const json& response, const std::string& task) {
  for (const json& r : response["results"]) {
    if (r["task"] == task) return r["stats"];
  }
  FAIL("no stats for " << task);
  return response;
}

}  // namespace

TEST_CASE("protocol stats: the session's finished episodes per task and overall, each counted once", "[protocol][stats]") {
  Client c;
  // Before any episode: every task listed in order, zero episodes, means null.
  json empty = c.Call(R"({"op":"stats"})");
  REQUIRE(empty["ok"] == true);
  REQUIRE(empty["results"].size() == 6);
  for (std::size_t i = 0; i < 6; ++i) CHECK(empty["results"][i]["task"] == TaskIds()[i]);
  CHECK(empty["overall"] == json::parse(R"({"episodes":0,"successes":0,"success_rate":null,"mean_score":null,"total_score":0,)"
                                        R"("mean_steps":null,"total_steps":0,"invalid_actions":0,)"
                                        R"("outcomes":{"resolved":0,"escalated":0,"customer_left":0,"step_limit":0}})"));

  // 1. billing_receipt won with one invalid action on the way (0.93, 3 steps).
  c.Reset("billing_receipt", 0);
  c.Step({{"action_type", "classify_issue"}, {"category_guess", "Billing"}});
  c.Step({{"action_type", "check_logs"}});
  json won = c.Step({{"action_type", "resolve_ticket"}, {"message_to_customer", ScriptOf("billing_receipt").message}});
  REQUIRE(won["observation"]["success"] == true);
  // A step after the end is refused and counts nothing; so does state.
  CHECK(c.Step({{"action_type", "escalate_to_human"}})["ok"] == false);
  c.State();
  // 2. An episode abandoned by a reset is not finished: not counted.
  c.Reset("vip_outage", 0);
  c.Step({{"action_type", "classify_issue"}, {"category_guess", "Billing"}});
  // 3. vip_outage: the customer leaves after a second question (0.01, 2 steps).
  c.Reset("vip_outage", 1);
  c.Step({{"action_type", "ask_clarifying_question"}, {"message_to_customer", "Which browser?"}});
  json left = c.Step({{"action_type", "ask_clarifying_question"}, {"message_to_customer", "Which team?"}});
  REQUIRE(left["observation"]["outcome"] == "customer_left");
  // 4. digital_refund escalated at once: the right action, a requirement unmet (0.30, 1 step).
  c.Reset("digital_refund", 2);
  c.Step({{"action_type", "escalate_to_human"}});

  json st = c.Call(R"({"op":"stats"})");
  REQUIRE(st["ok"] == true);
  CHECK(TaskStats(st, "billing_receipt") == json::parse(R"({"episodes":1,"successes":1,"success_rate":1,"mean_score":0.93,)"
                                                        R"("total_score":0.93,"mean_steps":3,"total_steps":3,"invalid_actions":1,)"
                                                        R"("outcomes":{"resolved":1,"escalated":0,"customer_left":0,"step_limit":0}})"));
  CHECK(TaskStats(st, "vip_outage")["episodes"] == 1);
  CHECK(TaskStats(st, "vip_outage")["outcomes"]["customer_left"] == 1);
  CHECK(ToCents(TaskStats(st, "vip_outage")["total_score"]) == 1);
  CHECK(ToCents(TaskStats(st, "digital_refund")["mean_score"]) == 30);
  CHECK(TaskStats(st, "dashboard_404")["episodes"] == 0);
  CHECK(TaskStats(st, "dashboard_404")["mean_score"].is_null());
  CHECK(st["overall"] == json::parse(R"({"episodes":3,"successes":1,"success_rate":0.3333,"mean_score":0.4133,"total_score":1.24,)"
                                     R"("mean_steps":2,"total_steps":6,"invalid_actions":1,)"
                                     R"("outcomes":{"resolved":1,"escalated":1,"customer_left":1,"step_limit":0}})"));
  // Reading does not clear; clear answers with the figures, then empties them.
  CHECK(c.Call(R"({"op":"stats"})") == st);
  CHECK(c.Call(R"({"op":"stats","clear":true})") == st);
  CHECK(c.Call(R"({"op":"stats"})") == empty);
  CHECK(c.Call(R"({"op":"stats","clear":false})") == empty);
  CHECK(c.Call(R"({"op":"stats","clear":null})") == empty);
  // The step limit: ten actions without a terminal one.
  c.Reset("dashboard_404", 0);
  for (int i = 0; i < 10; ++i) c.Step({{"action_type", "classify_issue"}, {"category_guess", "Technical"}});
  CHECK(c.Call(R"({"op":"stats"})")["overall"]["outcomes"]["step_limit"] == 1);
}

TEST_CASE("protocol stats: bad input is refused and changes nothing", "[protocol][stats][bad_input]") {
  Client c;
  c.Reset("digital_refund", 0);
  c.Step({{"action_type", "escalate_to_human"}});
  const std::string before = c.Raw(R"({"op":"stats"})");
  CHECK(c.Call(R"({"op":"stats","clear":"yes"})")["error"] == "\"clear\" must be true or false, not a string");
  CHECK(c.Call(R"({"op":"stats","clear":1})")["error"] == "\"clear\" must be true or false, not a number");
  CHECK(c.Call(R"({"op":"stats","clear":[true]})")["error"] == "\"clear\" must be true or false, not an array");
  CHECK(c.Raw(R"({"op":"stats"})") == before);
  CHECK(c.Call(R"({"op":"stats","extra":1})")["ok"] == true);   // extra fields are ignored, as elsewhere
}

TEST_CASE("protocol stats: the fast path and the full parser record the same episodes", "[protocol][stats]") {
  Client fast, full;
  full.probe.fast_path = false;
  auto step = [](const json& action) { return json{{"op", "step"}, {"action", action}}.dump(); };
  for (Client* c : {&fast, &full}) {
    for (const Script& s : Scripts()) {
      c->Raw(json{{"op", "reset"}, {"task", s.task}, {"seed", 3}}.dump());
      c->Raw(step({{"action_type", "classify_issue"}, {"category_guess", std::string(WireName(s.category))}}));
      c->Raw(step({{"action_type", "search_kb"}, {"search_query", s.query}}));
      c->Raw(R"({"op":"step","action":{"action_type":"fly"}})");
      c->Raw(step({{"action_type", std::string(WireName(s.terminal))}, {"message_to_customer", s.message}}));
    }
  }
  CHECK(fast.probe.fast_steps_served > 0u);
  const std::string a = fast.Raw(R"({"op":"stats"})");
  CHECK(a == full.Raw(R"({"op":"stats"})"));
  CHECK(json::parse(a)["overall"]["episodes"] == 6);
  CHECK(json::parse(a)["overall"]["invalid_actions"] == 6);
}

TEST_CASE("protocol stats: load_scenarios starts them over, per task of the new set", "[protocol][stats][scenarios]") {
  Client c;
  c.Reset("digital_refund", 0);
  c.Step({{"action_type", "escalate_to_human"}});
  REQUIRE(c.Call(R"({"op":"stats"})")["overall"]["episodes"] == 1);
  json pack = json::array();
  for (const SourceFile& f : Scenarios_Embedded()) {
    if (f.name.rfind("missions/", 0) == 0 && f.name.find("vip_outage") == std::string::npos) continue;
    pack.push_back({{"name", f.name}, {"text", f.text}});
  }
  REQUIRE(c.Send(json{{"op", "load_scenarios"}, {"files", pack}})["ok"] == true);
  json st = c.Call(R"({"op":"stats"})");
  REQUIRE(st["results"].size() == 1);
  CHECK(st["results"][0]["task"] == "vip_outage");
  CHECK(st["overall"]["episodes"] == 0);
  // A broken pack changes nothing, stats included.
  c.Reset("vip_outage", 0);
  c.Step({{"action_type", "escalate_to_human"}});
  c.Call(R"({"op":"load_scenarios","files":[{"name":"missions/x.json","text":"{}"}]})");
  CHECK(c.Call(R"({"op":"stats"})")["overall"]["episodes"] == 1);
  REQUIRE(c.Call(R"({"op":"load_scenarios","builtin":true})")["ok"] == true);
  CHECK(c.Call(R"({"op":"stats"})")["results"].size() == 6);
  CHECK(c.Call(R"({"op":"stats"})")["overall"]["episodes"] == 0);
}

// JsonWriter::String copies eight bytes at a time and falls back to bytes near
// an escape or the end: every length up to 40 with an escaped character at
// every position, and random text, must come out as nlohmann's dump() writes it.
TEST_CASE("protocol: JsonWriter::String writes what nlohmann's dump() writes, at every length and escape position",
          "[protocol]") {
  auto check = [](const std::string& s) {
    std::string out;
    support_env::Json_String(&out, s);
    INFO(json(s).dump());
    CHECK(out == json(s).dump());
  };
  const std::string specials[] = {"\"", "\\", "\n", "\t", "\b", "\f", "\r", std::string(1, '\0'), "\x01", "\x1f", "\xc3\xa9"};
  for (std::size_t len = 0; len <= 40; ++len) {
    const std::string plain(len, 'x');
    check(plain);
    for (std::size_t pos = 0; pos < len; ++pos) {
      for (const std::string& c : specials) check(plain.substr(0, pos) + c + plain.substr(pos + 1));
    }
  }
  std::uint64_t state = 12;
  for (int i = 0; i < 2000; ++i) {
    std::string s(support_env::SplitMix64(&state) % 64, ' ');
    for (char& c : s) c = static_cast<char>(support_env::SplitMix64(&state) % 0x80);  // ASCII, controls included
    check(s);
  }
}
