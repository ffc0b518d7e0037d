// Bad input (mission.md §2.7) through Session_HandleLine: protocol errors get
// ok:false; invalid actions get ok:true, 0.00, a step, and last_action_error;
// nothing crashes and the episode is otherwise unchanged.
#include "helpers.h"

using namespace test;

namespace {

std::string StepLine(const json& action) { return json{{"op", "step"}, {"action", action}}.dump(); }

// A session in the middle of a vague_complaint episode: one question asked,
// classified, searched; so that "unchanged" has something to compare.
struct Playing {
  Client c;
  json before;
  Playing() {
    const Script& s = ScriptOf("vague_complaint");
    c.Reset(s.task);
    c.Step({{"action_type", "ask_clarifying_question"}, {"message_to_customer", "What is broken?"}});
    c.Step({{"action_type", "classify_issue"}, {"category_guess", "Technical"}});
    before = c.Step({{"action_type", "search_kb"}, {"search_query", s.query}})["observation"];
    REQUIRE(before["step_count"] == 3);
    REQUIRE(ToCents(before["cumulative_reward"]) == 9);
  }

  // Sends an invalid action; checks the contract and returns the error text.
  std::string Invalid(const std::string& line) {
    std::string raw = c.Raw(line);
    INFO("request: " << line.substr(0, 300));
    INFO("response: " << raw.substr(0, 600));
    json r = json::parse(raw, nullptr, false);
    REQUIRE_FALSE(r.is_discarded());
    REQUIRE(r["ok"] == true);
    CHECK(ToCents(r["reward"]) == 0);
    CHECK(r["done"] == false);
    CHECK(r["info"]["valid"] == false);
    const json& o = r["observation"];
    CHECK(o["step_count"] == before["step_count"].get<int>() + 1);
    CHECK(o["cumulative_reward"] == before["cumulative_reward"]);
    CHECK(o["conversation_history"] == before["conversation_history"]);
    CHECK(o["issue_category"] == before["issue_category"]);
    CHECK(o["knowledge_base_result"] == before["knowledge_base_result"]);
    CHECK(o["sentiment"] == before["sentiment"]);
    CHECK(o["done"] == false);
    REQUIRE(o["last_action_error"].is_string());
    std::string error = o["last_action_error"].get<std::string>();
    CHECK_FALSE(error.empty());
    CHECK(r["info"]["reason"].get<std::string>().find(error) != std::string::npos);
    before = o;
    return error;
  }

  // Sends a request that cannot be served; checks ok:false and that nothing changed.
  std::string Refused(std::string_view line) {
    std::string state = c.Raw(R"({"op":"state"})");
    std::string raw = c.Raw(line);
    INFO("response: " << raw.substr(0, 600));
    json r = json::parse(raw, nullptr, false);
    REQUIRE_FALSE(r.is_discarded());
    CHECK(r["ok"] == false);
    CHECK(r.size() == 2);
    CHECK(c.Raw(R"({"op":"state"})") == state);
    if (!r.contains("error") || !r["error"].is_string()) {
      FAIL_CHECK("the response has no error message");
      return "";
    }
    return r["error"].get<std::string>();
  }

  // After the bad input, the episode still plays to success.
  void FinishesWell() {
    const Script& s = ScriptOf("vague_complaint");
    json r = c.Step({{"action_type", "resolve_ticket"}, {"message_to_customer", s.message}});
    REQUIRE(r["ok"] == true);
    CHECK(ToCents(r["reward"]) == 90);
    CHECK(r["observation"]["success"] == true);
  }
};

bool Has(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

const char kAllowedActions[] = "classify_issue, search_kb, ask_clarifying_question, resolve_ticket, escalate_to_human";
const char kAllowedCategories[] = "Billing, Technical, Refund_Request";

}  // namespace

// ---------------------------------------------------------------- protocol-level errors

TEST_CASE("bad input: malformed JSON is ok false and the session goes on", "[bad_input]") {
  Playing p;
  for (const char* line : {"", "{", "not json", "{\"op\":\"step\",}", "{'op':'tasks'}", "[1,2", "{\"op\":tasks}", "{\"op\":\"tasks\"} {\"op\":\"tasks\"}"}) {
    INFO("line: " << line);
    CHECK(p.Refused(line) == "request is not valid JSON");
  }
  p.FinishesWell();
}

TEST_CASE("bad input: a request that is not an object", "[bad_input]") {
  Playing p;
  for (const char* line : {"[]", "42", "\"tasks\"", "\"op\"", "null", "true", "[{\"op\":\"tasks\"}]"}) {
    INFO("line: " << line);
    CHECK(p.Refused(line) == "request must be a JSON object with an \"op\" field");
  }
  p.FinishesWell();
}

TEST_CASE("bad input: missing or mistyped op", "[bad_input]") {
  Playing p;
  for (const char* line : {"{}", "{\"task\":\"billing_receipt\"}", "{\"op\":5}", "{\"op\":null}", "{\"op\":[\"step\"]}"}) {
    INFO("line: " << line);
    CHECK(p.Refused(line) == "request needs \"op\": one of tasks, spec, reset, step, state, act, evaluate, stats, load_scenarios");
  }
}

TEST_CASE("bad input: unknown op names it and lists the ops", "[bad_input]") {
  Playing p;
  CHECK(p.Refused(R"({"op":"fly"})") == "unknown op \"fly\"; ops are: tasks, spec, reset, step, state, act, evaluate, stats, load_scenarios");
  CHECK(Has(p.Refused(R"({"op":"STEP"})"), "\"STEP\""));
  // A long unknown op is quoted only in part.
  std::string err = p.Refused(json{{"op", std::string(500, 'x')}}.dump());
  CHECK(err.size() < 200);
  CHECK(Has(err, "ops are: tasks, spec, reset, step, state, act, evaluate, stats, load_scenarios"));
}

TEST_CASE("bad input: step before reset", "[bad_input]") {
  Client c;
  json r = c.Call(StepLine({{"action_type", "classify_issue"}, {"category_guess", "Billing"}}));
  CHECK(r["ok"] == false);
  CHECK(r["error"] == "no episode yet: send {\"op\":\"reset\",\"task\":\xE2\x80\xA6} first");
  CHECK(c.Call(R"({"op":"step"})")["ok"] == false);
  CHECK(c.Call(R"({"op":"state"})")["ok"] == false);
}

TEST_CASE("bad input: reset with an unknown task lists the tasks", "[bad_input]") {
  Playing p;
  std::string err = p.Refused(R"({"op":"reset","task":"no_such_task"})");
  CHECK(err ==
        "unknown task \"no_such_task\"; tasks are: billing_receipt dashboard_404 digital_refund vip_outage "
        "vague_complaint plan_refund_difference");
  CHECK(Has(p.Refused(R"({"op":"reset","task":"Billing_Receipt"})"), "tasks are:"));
  CHECK(Has(p.Refused(R"({"op":"reset","task":""})"), "tasks are:"));
  for (const char* line : {R"({"op":"reset"})", R"({"op":"reset","task":3})", R"({"op":"reset","task":null})"}) {
    INFO(line);
    CHECK(Has(p.Refused(line), "reset needs \"task\""));
  }
  p.FinishesWell();
}

TEST_CASE("bad input: reset with a bad seed", "[bad_input]") {
  Playing p;
  for (const char* seed : {"-1", "1.5", "1.0", "\"3\"", "true", "[0]", "{}", "9007199254740992", "18446744073709551615",
                           "18446744073709551616", "1e20", "-9223372036854775808", "123456789012345678901234567890"}) {
    INFO("seed: " << seed);
    std::string line = std::string(R"({"op":"reset","task":"billing_receipt","seed":)") + seed + "}";
    CHECK(p.Refused(line) == "seed must be an integer from 0 to 9007199254740991");
  }
  p.FinishesWell();
  Client c;
  json ok = c.Call(R"({"op":"reset","task":"billing_receipt","seed":9007199254740991})");
  CHECK(ok["ok"] == true);
  CHECK(c.State()["state"]["seed"] == 9007199254740991ull);
}

TEST_CASE("bad input: huge numbers", "[bad_input]") {
  Playing p;
  // Out of double range: not JSON this parser can hold.
  CHECK(Has(p.Refused(R"({"op":"reset","task":"billing_receipt","seed":1e400})"), "not valid JSON"));
  CHECK(p.Refused(R"({"op":1e400})") == "request is not valid JSON");
  // Huge numbers where an action or a field is expected are invalid actions.
  CHECK(p.Invalid(R"({"op":"step","action":123456789012345678901234567890})") == "action must be an object, not a number");
  CHECK(Has(p.Invalid(R"({"op":"step","action":{"action_type":"classify_issue","category_guess":1e300}})"),
            "(it is a number)"));
  CHECK(Has(p.Invalid(R"({"op":"step","action":{"action_type":-99999999999999999999}})"), "action_type is a number"));
  p.FinishesWell();
}

// ---------------------------------------------------------------- invalid actions

TEST_CASE("bad input: missing action", "[bad_input]") {
  Playing p;
  CHECK(p.Invalid(R"({"op":"step"})") == "step needs \"action\": an object with action_type and its field");
  p.FinishesWell();
}

TEST_CASE("bad input: action is not an object", "[bad_input]") {
  Playing p;
  CHECK(p.Invalid(R"({"op":"step","action":"classify_issue"})") == "action must be an object, not a string");
  CHECK(p.Invalid(R"({"op":"step","action":[1]})") == "action must be an object, not an array");
  CHECK(p.Invalid(R"({"op":"step","action":null})") == "action must be an object, not null");
  CHECK(p.Invalid(R"({"op":"step","action":true})") == "action must be an object, not a boolean");
  p.FinishesWell();
}

TEST_CASE("bad input: missing or mistyped action_type lists the allowed actions", "[bad_input]") {
  Playing p;
  CHECK(p.Invalid(StepLine(json::object())) == std::string("action_type is missing; it must be one of ") + kAllowedActions);
  CHECK(p.Invalid(StepLine({{"category_guess", "Billing"}})) ==
        std::string("action_type is missing; it must be one of ") + kAllowedActions);
  CHECK(p.Invalid(StepLine({{"action_type", 3}})) == std::string("action_type is a number; it must be one of ") + kAllowedActions);
  CHECK(p.Invalid(StepLine({{"action_type", nullptr}})) == std::string("action_type is null; it must be one of ") + kAllowedActions);
  CHECK(p.Invalid(StepLine({{"action_type", {"classify_issue"}}})) ==
        std::string("action_type is an array; it must be one of ") + kAllowedActions);
  p.FinishesWell();
}

TEST_CASE("bad input: unknown action_type names it and lists the allowed actions", "[bad_input]") {
  Playing p;
  CHECK(p.Invalid(StepLine({{"action_type", "refund_customer"}})) ==
        std::string("unknown action_type \"refund_customer\"; allowed: ") + kAllowedActions);
  CHECK(Has(p.Invalid(StepLine({{"action_type", "Classify_Issue"}, {"category_guess", "Billing"}})), "allowed: "));
  CHECK(Has(p.Invalid(StepLine({{"action_type", ""}})), kAllowedActions));
  p.FinishesWell();
}

TEST_CASE("bad input: unknown category lists the allowed categories", "[bad_input]") {
  Playing p;
  CHECK(p.Invalid(StepLine({{"action_type", "classify_issue"}, {"category_guess", "Sales"}})) ==
        std::string("category_guess \"Sales\" is not one of ") + kAllowedCategories);
  CHECK(p.Invalid(StepLine({{"action_type", "classify_issue"}, {"category_guess", "billing"}})) ==
        std::string("category_guess \"billing\" is not one of ") + kAllowedCategories);
  CHECK(Has(p.Invalid(StepLine({{"action_type", "classify_issue"}, {"category_guess", "Refund Request"}})), kAllowedCategories));
  p.FinishesWell();
}

TEST_CASE("bad input: missing field names the field", "[bad_input]") {
  Playing p;
  CHECK(p.Invalid(StepLine({{"action_type", "classify_issue"}})) ==
        std::string("classify_issue needs category_guess: one of ") + kAllowedCategories + " (it is missing)");
  CHECK(p.Invalid(StepLine({{"action_type", "search_kb"}})) == "search_kb needs search_query: a string (it is missing)");
  CHECK(p.Invalid(StepLine({{"action_type", "search_kb"}, {"message_to_customer", "receipt"}})) ==
        "search_kb needs search_query: a string (it is missing)");
  CHECK(p.Invalid(StepLine({{"action_type", "ask_clarifying_question"}})) ==
        "ask_clarifying_question needs message_to_customer: a string (it is missing)");
  CHECK(p.Invalid(StepLine({{"action_type", "resolve_ticket"}})) ==
        "resolve_ticket needs message_to_customer: a string (it is missing)");
  CHECK(p.Invalid(StepLine({{"action_type", "resolve_ticket"}, {"message_to_customer", nullptr}})) ==
        "resolve_ticket needs message_to_customer: a string (it is missing)");
  p.FinishesWell();
}

TEST_CASE("bad input: mistyped field names the field and its type", "[bad_input]") {
  Playing p;
  CHECK(p.Invalid(StepLine({{"action_type", "classify_issue"}, {"category_guess", 1}})) ==
        std::string("classify_issue needs category_guess: one of ") + kAllowedCategories + " (it is a number)");
  CHECK(p.Invalid(StepLine({{"action_type", "search_kb"}, {"search_query", {"receipt"}}})) ==
        "search_kb needs search_query: a string (it is an array)");
  CHECK(p.Invalid(StepLine({{"action_type", "ask_clarifying_question"}, {"message_to_customer", {{"text", "hi"}}}})) ==
        "ask_clarifying_question needs message_to_customer: a string (it is an object)");
  CHECK(p.Invalid(StepLine({{"action_type", "escalate_to_human"}, {"message_to_customer", false}})) ==
        "escalate_to_human needs message_to_customer: a string (it is a boolean)");
  p.FinishesWell();
}

TEST_CASE("bad input: empty message for resolve and ask", "[bad_input]") {
  Playing p;
  CHECK(p.Invalid(StepLine({{"action_type", "resolve_ticket"}, {"message_to_customer", ""}})) ==
        "message_to_customer is empty: resolve_ticket needs the final solution text");
  CHECK(p.Invalid(StepLine({{"action_type", "resolve_ticket"}, {"message_to_customer", " \t\n "}})) ==
        "message_to_customer is empty: resolve_ticket needs the final solution text");
  CHECK(p.Invalid(StepLine({{"action_type", "ask_clarifying_question"}, {"message_to_customer", ""}})) ==
        "message_to_customer is empty: ask_clarifying_question needs the question to ask");
  p.FinishesWell();
}

TEST_CASE("bad input: a message of only invisible characters or Unicode spaces is empty", "[bad_input]") {
  Playing p;
  // Invisible characters and Unicode spaces alone show the customer nothing (found by fuzz_text).
  const char* invisible[] = {"\xEF\xB8\x8F",                              // U+FE0F variation selector
                             "\xE2\x80\x8B\xE2\x80\x8D \xC2\xAD",        // zero-width space, ZWJ, soft hyphen
                             "\xC2\xA0\xE3\x80\x80\xE2\x80\xAF",         // no-break, ideographic, narrow spaces
                             "\xE2\x80\xAE\xEF\xBB\xBF\xE2\x81\xA0"};   // bidi override, BOM, word joiner
  for (const char* text : invisible) {
    INFO(text);
    CHECK(p.Invalid(StepLine({{"action_type", "resolve_ticket"}, {"message_to_customer", text}})) ==
          "message_to_customer is empty: resolve_ticket needs the final solution text");
  }
  p.FinishesWell();
}

TEST_CASE("bad input: Text_IsBlank is about what shows", "[bad_input]") {
  CHECK(Text_IsBlank(""));
  CHECK(Text_IsBlank(" \t\r\n"));
  CHECK(Text_IsBlank("\xE2\x80\x8B"));         // zero-width space
  CHECK(Text_IsBlank("\xE2\x80\x83 \xEF\xB8\x8E"));  // em space, U+FE0E
  CHECK_FALSE(Text_IsBlank("\xC3\xA9"));        // é
  CHECK_FALSE(Text_IsBlank("\xE2\x80\x8B" "a"));
  CHECK_FALSE(Text_IsBlank("\xEF\xBC\x9F"));    // fullwidth question mark
  CHECK_FALSE(Text_IsBlank("\xE4\xBD\xA0"));    // 你
  CHECK_FALSE(Text_IsBlank("."));
}

TEST_CASE("bad input: a message of 2001 bytes is refused and 2000 bytes is fine", "[bad_input]") {
  SECTION("resolve") {
    Playing p;
    CHECK(p.Invalid(StepLine({{"action_type", "resolve_ticket"}, {"message_to_customer", std::string(2001, 'a')}})) ==
          "message_to_customer is longer than 2000 bytes: shorten it");
    // 2000 bytes exactly, ending with the real fix: accepted and graded.
    const Script& s = ScriptOf("vague_complaint");
    // Padding with function words keeps it prose (only content words count as repeats).
    std::string msg = s.message;
    while (msg.size() < 2000) msg += " and so the";
    msg.resize(2000);
    REQUIRE(msg.size() == 2000);
    json r = p.c.Step({{"action_type", "resolve_ticket"}, {"message_to_customer", msg}});
    CHECK(r["info"]["valid"] == true);
    CHECK(r["observation"]["last_action_error"].is_null());
    CHECK(r["done"] == true);
    CHECK(ToCents(r["reward"]) == 90);
  }
  SECTION("ask and search") {
    Playing p;
    CHECK(p.Invalid(StepLine({{"action_type", "ask_clarifying_question"}, {"message_to_customer", std::string(2001, 'q')}})) ==
          "message_to_customer is longer than 2000 bytes: shorten it");
    CHECK(p.Invalid(StepLine({{"action_type", "search_kb"}, {"search_query", std::string(2001, 'q')}})) ==
          "search_query is longer than 2000 bytes: shorten it");
    // Multi-byte characters count in bytes: 1000 x "é" is 2000 bytes.
    std::string accents;
    for (int i = 0; i < 1000; ++i) accents += "\xC3\xA9";
    json r = p.c.Step({{"action_type", "search_kb"}, {"search_query", accents}});
    CHECK(r["info"]["valid"] == true);
    CHECK(r["observation"]["last_action_error"].is_null());
    p.before = r["observation"];
    CHECK(Has(p.Invalid(StepLine({{"action_type", "search_kb"}, {"search_query", accents + "e"}})), "longer than 2000 bytes"));
    p.FinishesWell();
  }
}

TEST_CASE("bad input: a 100 KB message is an invalid action", "[bad_input]") {
  Playing p;
  std::string huge(100 * 1024, 'x');
  CHECK(p.Invalid(StepLine({{"action_type", "resolve_ticket"}, {"message_to_customer", huge}})) ==
        "message_to_customer is longer than 2000 bytes: shorten it");
  // A 100 KB line of garbage, and a line over 4 MiB.
  CHECK(p.Refused(std::string(100 * 1024, '{')) == "request is not valid JSON");
  CHECK(p.Refused(std::string(kMaxRequestBytes + 1, ' ')) == "request line longer than 4 MiB");
  p.FinishesWell();
}

TEST_CASE("bad input: invalid UTF-8 bytes in the line", "[bad_input]") {
  Playing p;
  const char* bad[] = {"\xFF", "\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "abc\x80"};
  for (const char* b : bad) {
    std::string line = std::string(R"({"op":"step","action":{"action_type":"ask_clarifying_question","message_to_customer":")") + b + "\"}}";
    INFO("bytes: " << json(std::string(b)).dump(-1, ' ', true, json::error_handler_t::replace));
    CHECK(p.Refused(line) == "request is not valid UTF-8 (so not valid JSON)");
  }
  CHECK(p.Refused("\xFF\xFE{\"op\":\"tasks\"}") == "request is not valid UTF-8 (so not valid JSON)");
  p.FinishesWell();
}

TEST_CASE("bad input: invalid UTF-8 through the core is an invalid action", "[bad_input]") {
  Env env("billing_receipt");
  StepResult r = Resolve(env.ep, "Your receipt \xFF is in billing history.");
  CHECK(r.accepted);
  CHECK_FALSE(r.valid);
  CHECK(r.reward == 0);
  CHECK_FALSE(r.done);
  CHECK(env.ep.last_error == "message_to_customer is not valid UTF-8");
  r = Search(env.ep, "receipt \xC3");
  CHECK_FALSE(r.valid);
  CHECK(env.ep.last_error == "search_query is not valid UTF-8");
  CHECK(env.ep.kb_result == -1);
  CHECK(env.ep.step_count == 2);
  CHECK(env.ep.line_count == 1);
  // The next valid step clears the error.
  Classify(env.ep, Category::Billing);
  CHECK_FALSE(env.ep.has_error);
  CHECK(env.ep.last_error.empty());
}

TEST_CASE("bad input: a JSON lone surrogate escape", "[bad_input]") {
  Playing p;
  CHECK(Has(p.Refused(R"({"op":"step","action":{"action_type":"ask_clarifying_question","message_to_customer":"a\udc00b"}})"),
            "not valid"));
  CHECK(Has(p.Refused(R"({"op":"step","action":{"action_type":"search_kb","search_query":"\ud800"}})"), "not valid"));
  CHECK(Has(p.Refused(R"({"op":"\udc00"})"), "not valid"));
  // A proper pair is fine.
  json r = p.c.Call(R"({"op":"step","action":{"action_type":"search_kb","search_query":"app \ud83d\ude00 crash"}})");
  CHECK(r["ok"] == true);
  CHECK(r["info"]["valid"] == true);
  p.FinishesWell();
}

TEST_CASE("bad input: NUL bytes", "[bad_input]") {
  Playing p;
  std::string raw_nul = std::string(R"({"op":"step","action":{"action_type":"search_kb","search_query":"a)") + '\0' + "b\"}}";
  CHECK(p.Refused(raw_nul) == "request is not valid JSON (it contains a NUL byte)");
  CHECK(p.Refused(std::string(8, '\0')) == "request is not valid JSON (it contains a NUL byte)");
  CHECK(p.Refused(std::string("\0{\"op\":\"tasks\"}", 15)) == "request is not valid JSON (it contains a NUL byte)");
  // An escaped NUL inside a string is valid JSON and valid text: it is kept and escaped back.
  std::string raw = p.c.Raw(R"({"op":"step","action":{"action_type":"ask_clarifying_question","message_to_customer":"what one\u0000two?"}})");
  CHECK(Has(raw, "what one\\u0000two?"));
  json r = json::parse(raw);
  CHECK(r["ok"] == true);
  CHECK(r["info"]["valid"] == true);
  p.FinishesWell();
}

// nlohmann's lexer treats a NUL byte as the end of input, so without the
// engine's own check whatever follows a NUL after a complete JSON value would
// be silently ignored and the truncated request served.
TEST_CASE("bad input: a NUL byte after a complete request is refused", "[bad_input]") {
  Playing p;
  CHECK(p.Refused(std::string("{\"op\":\"tasks\"}\0", 15)) == "request is not valid JSON (it contains a NUL byte)");
  CHECK(p.Refused(std::string("{\"op\":\"state\"}\0garbage", 22)) == "request is not valid JSON (it contains a NUL byte)");
  std::string two = std::string(R"({"op":"reset","task":"billing_receipt"})") + '\0' +
                    R"({"op":"step","action":{"action_type":"resolve_ticket","message_to_customer":"x"}})";
  CHECK(p.Refused(two) == "request is not valid JSON (it contains a NUL byte)");
}

TEST_CASE("bad input: deeply nested arrays", "[bad_input]") {
  Playing p;
  std::string deep = std::string(10000, '[') + std::string(10000, ']');
  CHECK(p.Refused(deep) == "request must be a JSON object with an \"op\" field");
  CHECK(p.Invalid(R"({"op":"step","action":)" + deep + "}") == "action must be an object, not an array");
  std::string deep_field = R"({"op":"step","action":{"action_type":"search_kb","search_query":)" + deep + "}}";
  CHECK(p.Invalid(deep_field) == "search_kb needs search_query: a string (it is an array)");
  std::string deep_objects;
  for (int i = 0; i < 10000; ++i) deep_objects += "{\"a\":";
  deep_objects += "1" + std::string(10000, '}');
  CHECK(p.Refused(deep_objects) == "request needs \"op\": one of tasks, spec, reset, step, state, act, evaluate, stats, load_scenarios");
  CHECK(p.Refused(std::string(10000, '[')) == "request is not valid JSON");
  p.FinishesWell();
}

TEST_CASE("bad input: extra fields are ignored", "[bad_input]") {
  Playing p;
  json r = p.c.Call(R"({"op":"step","extra":1,"action":{"action_type":"classify_issue","category_guess":"Technical","search_query":"x","junk":[1,2]}})");
  CHECK(r["ok"] == true);
  CHECK(r["info"]["valid"] == true);
  CHECK(r["observation"]["last_action_error"].is_null());
}

TEST_CASE("bad input: invalid actions consume steps up to the step limit", "[bad_input]") {
  Client c;
  c.Reset("billing_receipt");
  json r;
  for (int i = 1; i <= 10; ++i) {
    r = c.Step({{"action_type", "dance"}});
    REQUIRE(r["ok"] == true);
    CHECK(r["observation"]["step_count"] == i);
    CHECK(ToCents(r["reward"]) == 0);
  }
  CHECK(r["done"] == true);
  CHECK(r["observation"]["outcome"] == "step_limit");
  CHECK(ToCents(r["observation"]["cumulative_reward"]) == 0);
  json after = c.Step({{"action_type", "dance"}});
  CHECK(after["ok"] == false);
  CHECK(Has(after["error"].get<std::string>(), "reset"));
}

TEST_CASE("bad input: the last_action_error clears on the next valid action", "[bad_input]") {
  Playing p;
  p.Invalid(StepLine({{"action_type", "nope"}}));
  json r = p.c.Step({{"action_type", "classify_issue"}, {"category_guess", "Technical"}});
  CHECK(r["observation"]["last_action_error"].is_null());
  CHECK(r["info"]["valid"] == true);
}

TEST_CASE("bad input: random byte lines never crash the session", "[bad_input]") {
  // A deterministic byte soup around valid requests.
  Client c;
  c.Reset("billing_receipt");
  std::uint64_t x = 88172645463325252ull;
  auto next = [&] { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x; };
  const std::string seeds[] = {R"({"op":"step","action":{"action_type":"search_kb","search_query":"receipt"}})",
                               R"({"op":"reset","task":"vague_complaint","seed":5})", R"({"op":"state"})",
                               R"({"op":"tasks"})"};
  int served = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string line = seeds[next() % 4];
    int edits = static_cast<int>(next() % 4);
    for (int e = 0; e < edits; ++e) {
      std::size_t pos = next() % line.size();
      switch (next() % 3) {
        case 0: line[pos] = static_cast<char>(next() & 0xFF); break;
        case 1: line.erase(pos, 1); break;
        default: line.insert(pos, 1, static_cast<char>(next() & 0xFF)); break;
      }
      if (line.empty()) line = "x";
    }
    std::string raw = c.Raw(line);
    json r = json::parse(raw, nullptr, false);
    REQUIRE_FALSE(r.is_discarded());
    REQUIRE(r["ok"].is_boolean());
    if (r["ok"] == true) ++served;
    if (r.contains("observation") && r["observation"]["done"] == true) c.Reset("billing_receipt");
  }
  CHECK(served > 0);
}
