// Scenario loading (scenarios/README.md, mission.md §2.1, §2.7): the embedded
// data, and broken inputs rejected as "<file>: <JSON path>: <problem>".
#include <functional>
#include <set>

#include "helpers.h"

using namespace test;

namespace {

const char kBilling[] = "missions/01_billing_receipt.json";
const char kDashboard[] = "missions/02_dashboard_404.json";
const char kVague[] = "missions/05_vague_complaint.json";
const char kKb[] = "kb/articles.json";

// The embedded files with one of them edited as JSON.
std::vector<SourceFile> Edited(const std::string& name, const std::function<void(json&)>& edit) {
  std::vector<SourceFile> files = Scenarios_Embedded();
  bool found = false;
  for (SourceFile& f : files) {
    if (f.name != name) continue;
    json doc = json::parse(f.text);
    edit(doc);
    f.text = doc.dump(2);
    found = true;
  }
  REQUIRE(found);
  return files;
}

// Loads and returns the error ("" when the load succeeded).
std::string LoadError(const std::vector<SourceFile>& files) {
  ScenarioSet set;
  std::string error;
  bool ok = Scenarios_Load(files, &set, &error);
  if (ok) return "";
  CHECK_FALSE(error.empty());
  return error;
}

std::string EditError(const std::string& name, const std::function<void(json&)>& edit) {
  return LoadError(Edited(name, edit));
}

json MinimalMission() {
  return json::parse(R"({
    "task_id": "x_task", "order": 9, "title": "X", "difficulty": "Easy", "summary": "S",
    "ticket_id": "TKT-999", "customer_tier": "Standard", "initial_sentiment": "Neutral", "patience": 1,
    "needs_clarification": false, "correct_category": "Billing", "correct_terminal_action": "resolve_ticket",
    "relevant_articles": ["KB-RECEIPTS"],
    "requirements": {"kb_article_retrieved": false, "clarifying_question_asked": false,
                     "must_state": [{"describe": "tell the customer how to get the receipt",
                                     "any": [{"action": "get_doc", "object": "receipt_doc"},
                                             {"action": "send_doc", "object": "receipt_doc"}]}],
                     "must_not_state": []},
    "customer": {"unneeded_question_replies": ["Why?"], "leaves": "Bye.", "after_success": "Thanks.",
                 "after_failure": "No."},
    "variants": [{"customer_name": "Ann", "ticket_suffix": "", "subject": "Receipt", "ticket_text": "Receipt please."}]
  })");
}

}  // namespace

// ---------------------------------------------------------------- the embedded scenarios

TEST_CASE("scenarios: the embedded scenarios load", "[scenarios]") {
  ScenarioSet set;
  std::string error;
  CHECK(Scenarios_LoadEmbedded(&set, &error));
  CHECK(error.empty());
  CHECK(set.missions.size() == 6);
  CHECK(Scenarios_Embedded().size() == 8);  // six missions, the KB and the core lexicon
}

TEST_CASE("scenarios: the six missions match the contract table", "[scenarios]") {
  struct Row {
    const char* id; Difficulty difficulty; const char* title; Tier tier; Category category; ActionType terminal; const char* ticket;
  };
  const Row rows[] = {
      {"billing_receipt", Difficulty::Easy, "Billing Receipt Request", Tier::Standard, Category::Billing, ActionType::ResolveTicket, "TKT-101"},
      {"dashboard_404", Difficulty::Medium, "Dashboard Error 404", Tier::VIP, Category::Technical, ActionType::ResolveTicket, "TKT-202"},
      {"digital_refund", Difficulty::Hard, "Digital Item Refund Demand", Tier::Standard, Category::RefundRequest, ActionType::EscalateToHuman, "TKT-303"},
      {"vip_outage", Difficulty::Hard, "VIP Outage", Tier::VIP, Category::Technical, ActionType::ResolveTicket, "TKT-404"},
      {"vague_complaint", Difficulty::Medium, "Vague Complaint", Tier::Standard, Category::Technical, ActionType::ResolveTicket, "TKT-505"},
      {"plan_refund_difference", Difficulty::Hard, "Subscription Plan Refund Difference", Tier::Standard, Category::RefundRequest, ActionType::ResolveTicket, "TKT-606"},
  };
  const ScenarioSet& set = Embedded();
  REQUIRE(set.missions.size() == 6);
  for (std::size_t i = 0; i < 6; ++i) {
    const Mission& m = set.missions[i];
    const Row& r = rows[i];
    INFO(r.id);
    CHECK(m.task_id == r.id);
    CHECK(m.difficulty == r.difficulty);
    CHECK(m.title == r.title);
    CHECK(m.tier == r.tier);
    CHECK(m.correct_category == r.category);
    CHECK(m.correct_terminal == r.terminal);
    CHECK(m.variants[0].ticket_id == r.ticket);
    CHECK(m.order == static_cast<int>(i) + 1);
    CHECK(m.variants.size() >= 3);
    CHECK_FALSE(m.relevant_articles.empty());
    CHECK(m.patience >= 1);
    CHECK(ScenarioSet_FindMission(set, r.id) == static_cast<int>(i));
  }
  CHECK(ScenarioSet_FindMission(set, "nope") == -1);
}

TEST_CASE("scenarios: requirements follow the mission descriptions", "[scenarios]") {
  CHECK_FALSE(MissionOf("billing_receipt").requirements.kb_article_retrieved);  // KB optional
  CHECK(MissionOf("dashboard_404").requirements.kb_article_retrieved);
  CHECK(MissionOf("vip_outage").requirements.kb_article_retrieved);
  CHECK(MissionOf("vague_complaint").requirements.kb_article_retrieved);
  CHECK(MissionOf("vague_complaint").requirements.clarifying_question_asked);
  CHECK(MissionOf("vague_complaint").needs_clarification);
  for (const std::string& t : TaskIds()) {
    if (t != "vague_complaint") {
      INFO(t);
      CHECK_FALSE(MissionOf(t).needs_clarification);
      CHECK_FALSE(MissionOf(t).requirements.clarifying_question_asked);
    }
  }
  CHECK_FALSE(MissionOf("digital_refund").requirements.must_not_state.empty());
  CHECK_FALSE(MissionOf("plan_refund_difference").requirements.must_not_state.empty());
  CHECK(MissionOf("vague_complaint").variants[0].ticket_text == "Hello. It is broken.");
  CHECK(MissionOf("dashboard_404").variants[0].ticket_text == "Every time I log in I get Error Code 404.");
}

TEST_CASE("scenarios: the KB has at least four distractor articles", "[scenarios]") {
  const ScenarioSet& set = Embedded();
  std::set<int> relevant;
  for (const Mission& m : set.missions) relevant.insert(m.relevant_articles.begin(), m.relevant_articles.end());
  int distractors = 0;
  std::set<std::string> ids;
  for (std::size_t a = 0; a < set.kb.articles.size(); ++a) {
    const KbArticle& art = set.kb.articles[a];
    CHECK(ids.insert(art.id).second);
    CHECK_FALSE(art.title.empty());
    CHECK_FALSE(art.text.empty());
    CHECK_FALSE(art.keywords.empty());
    if (!relevant.count(static_cast<int>(a))) ++distractors;
  }
  CHECK(distractors >= 4);
  for (const char* id : {"KB-PHYSICAL-RETURNS", "KB-VIP-BENEFITS", "KB-PASSWORD-RESET"}) {
    INFO(id);
    int a = KnowledgeBase_Find(set.kb, id);
    REQUIRE(a >= 0);
    CHECK(relevant.count(a) == 0);
  }
}

TEST_CASE("scenarios: every requirement names known concepts and says what it asks", "[scenarios]") {
  const ScenarioSet& set = Embedded();
  for (const Mission& m : set.missions) {
    for (const StatedFix& fix : m.requirements.must_state) {
      INFO(m.task_id << ": " << fix.describe);
      CHECK(fix.describe.rfind("tell the customer", 0) == 0);
      for (const StepSpec& s : fix.any) CHECK(s.action != kNoConcept);
    }
  }
  // The built-in lexicon's commitments each have a description and patterns.
  CHECK(set.lexicon.commitments.size() >= 4);
  for (const Commitment& c : set.lexicon.commitments) {
    INFO(c.name);
    CHECK_FALSE(c.describe.empty());
    CHECK_FALSE(c.patterns.empty());
  }
}

// ---------------------------------------------------------------- broken inputs

TEST_CASE("scenario loader: invalid JSON", "[scenario_loader]") {
  std::vector<SourceFile> files = Scenarios_Embedded();
  for (SourceFile& f : files) if (f.name == kDashboard) f.text = "{\"task_id\": \"dashboard_404\",";
  CHECK(LoadError(files) == "missions/02_dashboard_404.json: $: not valid JSON (or not valid UTF-8)");
  files = Scenarios_Embedded();
  for (SourceFile& f : files) if (f.name == kKb) f.text = "{\"articles\": [\"\xFF\"]}";
  CHECK(LoadError(files) == "kb/articles.json: $: not valid JSON (or not valid UTF-8)");
}

TEST_CASE("scenario loader: missing field", "[scenario_loader]") {
  CHECK(EditError(kBilling, [](json& d) { d.erase("title"); }) == "missions/01_billing_receipt.json: $: missing field \"title\"");
  CHECK(EditError(kBilling, [](json& d) { d["variants"][1].erase("subject"); }) ==
        "missions/01_billing_receipt.json: $.variants[1]: missing field \"subject\"");
  CHECK(EditError(kBilling, [](json& d) { d["requirements"].erase("must_state"); }) ==
        "missions/01_billing_receipt.json: $.requirements: missing field \"must_state\"");
  CHECK(EditError(kKb, [](json& d) { d["articles"][2].erase("keywords"); }) ==
        "kb/articles.json: $.articles[2]: missing field \"keywords\"");
}

TEST_CASE("scenario loader: wrong type", "[scenario_loader]") {
  CHECK(EditError(kBilling, [](json& d) { d["patience"] = "2"; }) == "missions/01_billing_receipt.json: $.patience: expected an integer");
  CHECK(EditError(kBilling, [](json& d) { d["needs_clarification"] = 0; }) ==
        "missions/01_billing_receipt.json: $.needs_clarification: expected true or false");
  CHECK(EditError(kBilling, [](json& d) { d["title"] = 5; }) == "missions/01_billing_receipt.json: $.title: expected a string");
  CHECK(EditError(kBilling, [](json& d) { d["variants"] = json::object(); }) ==
        "missions/01_billing_receipt.json: $.variants: expected a non-empty array of variants");
  CHECK(EditError(kBilling, [](json& d) { d["customer"]["unneeded_question_replies"] = {"ok", 3}; }) ==
        "missions/01_billing_receipt.json: $.customer.unneeded_question_replies[1]: expected a non-empty string");
  CHECK(EditError(kKb, [](json& d) { d["articles"] = json::object(); }) == "kb/articles.json: $.articles: expected an array of articles");
  CHECK(EditError(kBilling, [](json& d) { d = json::array(); }) == "missions/01_billing_receipt.json: $: expected an object");
}

TEST_CASE("scenario loader: unknown field", "[scenario_loader]") {
  std::string err = EditError(kBilling, [](json& d) { d["colour"] = "blue"; });
  CHECK(err.rfind("missions/01_billing_receipt.json: $: unknown field \"colour\" (allowed: task_id, order, title", 0) == 0);
  CHECK(EditError(kBilling, [](json& d) { d["variants"][0]["nickname"] = "E"; }) ==
        "missions/01_billing_receipt.json: $.variants[0]: unknown field \"nickname\" (allowed: customer_name, "
        "ticket_suffix, subject, ticket_text, clarification)");
  CHECK(EditError(kKb, [](json& d) { d["articles"][0]["author"] = "me"; }) ==
        "kb/articles.json: $.articles[0]: unknown field \"author\" (allowed: id, title, text, keywords, fix)");
}

TEST_CASE("scenario loader: bad enum values", "[scenario_loader]") {
  CHECK(EditError(kBilling, [](json& d) { d["difficulty"] = "Impossible"; }) ==
        "missions/01_billing_receipt.json: $.difficulty: \"Impossible\" is not one of Easy, Medium, Hard");
  CHECK(EditError(kBilling, [](json& d) { d["correct_category"] = "Sales"; }) ==
        "missions/01_billing_receipt.json: $.correct_category: \"Sales\" is not one of Billing, Technical, Refund_Request");
  CHECK(EditError(kBilling, [](json& d) { d["customer_tier"] = "Gold"; }) ==
        "missions/01_billing_receipt.json: $.customer_tier: \"Gold\" is not one of Standard, VIP");
  CHECK(EditError(kBilling, [](json& d) { d["initial_sentiment"] = "Furious"; }) ==
        "missions/01_billing_receipt.json: $.initial_sentiment: \"Furious\" is not one of Happy, Neutral, Upset, Angry");
  CHECK(EditError(kBilling, [](json& d) { d["correct_terminal_action"] = "search_kb"; }) ==
        "missions/01_billing_receipt.json: $.correct_terminal_action: \"search_kb\" is not one of resolve_ticket, escalate_to_human");
}

TEST_CASE("scenario loader: relevant article that does not exist", "[scenario_loader]") {
  CHECK(EditError(kDashboard, [](json& d) { d["relevant_articles"] = {"KB-LOGIN-404", "KB-NOPE"}; }) ==
        "missions/02_dashboard_404.json: $.relevant_articles[1]: no article with id \"KB-NOPE\" in kb/*.json");
  CHECK(EditError(kDashboard, [](json& d) { d["relevant_articles"] = json::array(); }) ==
        "missions/02_dashboard_404.json: $.relevant_articles: expected at least one entry");
}

TEST_CASE("scenario loader: duplicate task id", "[scenario_loader]") {
  std::vector<SourceFile> files = Scenarios_Embedded();
  std::string copy;
  for (const SourceFile& f : files) if (f.name == kBilling) copy = f.text;
  files.push_back({"missions/99_copy.json", copy});
  CHECK(LoadError(files) ==
        "missions/99_copy.json: $.task_id: \"billing_receipt\" is already the task id of missions/01_billing_receipt.json");
}

TEST_CASE("scenario loader: duplicate article id", "[scenario_loader]") {
  CHECK(EditError(kKb, [](json& d) { d["articles"][3]["id"] = "KB-RECEIPTS"; }) ==
        "kb/articles.json: $.articles[3].id: duplicate article id \"KB-RECEIPTS\"");
  // Across two KB files too.
  std::vector<SourceFile> files = Scenarios_Embedded();
  files.push_back({"kb/more.json", R"({"articles":[{"id":"KB-2FA","title":"t","text":"x","keywords":["k"],"fix":[]}]})"});
  CHECK(LoadError(files) == "kb/more.json: $.articles[0].id: duplicate article id \"KB-2FA\"");
}

TEST_CASE("scenario loader: duplicate ids among many articles", "[scenario_loader]") {
  // 20,000 extra articles (the id check is a hash lookup, not a scan; the
  // timing is bench/bench_loader.cpp's, not a test's).
  std::vector<SourceFile> files = Scenarios_Embedded();
  json many = json::object();
  many["articles"] = json::array();
  constexpr int kMany = 20000;
  for (int i = 0; i < kMany; ++i) {
    many["articles"].push_back({{"id", "KB-GEN-" + std::to_string(i)}, {"title", "Generated " + std::to_string(i)},
                                {"text", "Generated article."}, {"keywords", json::array()}, {"fix", json::array()}});
  }
  files.push_back({"kb/zz-many.json", many.dump()});
  ScenarioSet set;
  std::string error;
  REQUIRE(Scenarios_Load(files, &set, &error));
  CHECK(set.kb.articles.size() == Embedded().kb.articles.size() + kMany);
  // Mission references still resolve to the right articles.
  for (const Mission& m : set.missions) {
    for (int a : m.relevant_articles) {
      CHECK(set.kb.articles[static_cast<std::size_t>(a)].id ==
            Embedded().kb.articles[static_cast<std::size_t>(a)].id);
    }
  }
  // A duplicate near the end, of a generated id and of a built-in one.
  many["articles"].push_back({{"id", "KB-GEN-7"}, {"title", "Again"}, {"text", "Again."},
                              {"keywords", json::array()}, {"fix", json::array()}});
  files.back().text = many.dump();
  CHECK(LoadError(files) == "kb/zz-many.json: $.articles[20000].id: duplicate article id \"KB-GEN-7\"");
  many["articles"].back()["id"] = "KB-RECEIPTS";
  files.back().text = many.dump();
  CHECK(LoadError(files) == "kb/zz-many.json: $.articles[20000].id: duplicate article id \"KB-RECEIPTS\"");
}

TEST_CASE("scenario loader: empty variants", "[scenario_loader]") {
  CHECK(EditError(kBilling, [](json& d) { d["variants"] = json::array(); }) ==
        "missions/01_billing_receipt.json: $.variants: expected a non-empty array of variants");
}

TEST_CASE("scenario loader: patience out of range", "[scenario_loader]") {
  for (int p : {-1, 11, 1000}) {
    INFO(p);
    CHECK(EditError(kBilling, [p](json& d) { d["patience"] = p; }) ==
          "missions/01_billing_receipt.json: $.patience: expected an integer from 0 to 10");
  }
  CHECK(EditError(kBilling, [](json& d) { d["patience"] = 18446744073709551615ull; }) ==
        "missions/01_billing_receipt.json: $.patience: expected an integer from 0 to 10");
  CHECK(EditError(kBilling, [](json& d) { d["patience"] = 1.5; }) ==
        "missions/01_billing_receipt.json: $.patience: expected an integer");
  CHECK(EditError(kBilling, [](json& d) { d["patience"] = 0; }).empty());
  CHECK(EditError(kBilling, [](json& d) { d["patience"] = 10; }).empty());
}

TEST_CASE("scenario loader: unknown concepts and commitments, and bad lexicon files", "[scenario_loader]") {
  CHECK(EditError(kBilling, [](json& d) { d["requirements"]["must_state"][0]["any"][0]["object"] = "receipts"; }) ==
        "missions/01_billing_receipt.json: $.requirements.must_state[0].any[0].object: unknown concept \"receipts\" "
        "(concepts are defined in lexicon/*.json)");
  CHECK(EditError(kBilling, [](json& d) { d["requirements"]["must_not_state"] = {"refund_promise", "nope"}; }) ==
        "missions/01_billing_receipt.json: $.requirements.must_not_state[1]: unknown commitment \"nope\" "
        "(commitments are defined in lexicon/*.json)");
  CHECK(EditError(kBilling, [](json& d) { d["requirements"]["must_state"][0]["any"] = json::array(); }) ==
        "missions/01_billing_receipt.json: $.requirements.must_state[0].any: expected at least one step");
  CHECK(EditError(kBilling, [](json& d) { d["requirements"]["must_state"][0]["any"][0]["by"] = "agent"; }) ==
        "missions/01_billing_receipt.json: $.requirements.must_state[0].any[0].by: \"agent\" is not one of customer, either");
  CHECK(EditError(kKb, [](json& d) { d["articles"][1]["fix"][0]["action"] = "scrub"; }) ==
        "kb/articles.json: $.articles[1].fix[0].action: unknown concept \"scrub\" (concepts are defined in lexicon/*.json)");
  // A pack's own lexicon file adds concepts; a clash or a bad term is refused with its path.
  std::vector<SourceFile> files = Scenarios_Embedded();
  files.push_back({"lexicon/pack.json", R"({"concepts": {"clear": ["scrub"]}})"});
  CHECK(LoadError(files) == "lexicon/pack.json: $.concepts.clear: concept \"clear\" is defined twice");
  files.back().text = R"({"concepts": {"scrub": ["scrub", "!!"]}})";
  CHECK(LoadError(files) == "lexicon/pack.json: $.concepts.scrub[1]: has no letters or digits");
  files.back().text = R"({"commitments": {"x": {"describe": "d", "patterns": [{"action": "clear", "mention": "cookies"}]}}})";
  CHECK(LoadError(files) == "lexicon/pack.json: $.commitments.x.patterns[0]: a pattern names exactly one of \"action\" or \"mention\"");
  files.back().text = R"({"concepts": {"scrub": ["scrub"]}, "grammar": {"hedges": ["supposedly"]}})";
  CHECK(LoadError(files).empty());
}

TEST_CASE("scenario loader: empty strings give the exact variant path", "[scenario_loader]") {
  std::vector<SourceFile> files = Scenarios_Embedded();
  json m = MinimalMission();
  m["variants"][0]["subject"] = "";
  files.push_back({"missions/x.json", m.dump()});
  CHECK(LoadError(files) == "missions/x.json: $.variants[0].subject: expected a non-empty string");
  CHECK(EditError(kDashboard, [](json& d) { d["variants"][1]["ticket_text"] = "   "; }) ==
        "missions/02_dashboard_404.json: $.variants[1].ticket_text: expected a non-empty string");
}

TEST_CASE("scenario loader: other mission checks", "[scenario_loader]") {
  CHECK(EditError(kBilling, [](json& d) { d["task_id"] = "Billing-Receipt"; }) ==
        "missions/01_billing_receipt.json: $.task_id: \"Billing-Receipt\" may hold only a-z, 0-9 and _");
  CHECK(EditError(kBilling, [](json& d) { d["requirements"]["must_state"] = json::array(); }) ==
        "missions/01_billing_receipt.json: $.requirements.must_state: a mission resolved by resolve_ticket must "
        "say what the message states");
  std::string err = EditError(kVague, [](json& d) {
    d["customer"].erase("clarification");
    d["variants"][2].erase("clarification");
  });
  CHECK(err.rfind("missions/05_vague_complaint.json: $.variants[2].clarification: a mission that needs clarification", 0) == 0);
  CHECK(EditError(kBilling, [](json& d) { d["variants"][0]["ticket_text"] = std::string(2001, 'a'); }) ==
        "missions/01_billing_receipt.json: $.variants[0].ticket_text: longer than 2000 bytes");
}

TEST_CASE("scenario loader: missing folders and empty knowledge base", "[scenario_loader]") {
  std::vector<SourceFile> only_kb, only_missions;
  for (const SourceFile& f : Scenarios_Embedded()) (f.name.rfind("kb/", 0) == 0 ? only_kb : only_missions).push_back(f);
  CHECK(LoadError(only_kb) == "no mission file (missions/*.json) in the scenarios");
  CHECK(LoadError(only_missions) == "no knowledge-base file (kb/*.json) in the scenarios");
  CHECK(LoadError({}) != "");
  only_missions.push_back({"kb/articles.json", R"({"articles":[]})"});
  CHECK(LoadError(only_missions) == "the knowledge base has no articles");
}

TEST_CASE("scenario loader: a new mission is a new file", "[scenario_loader]") {
  std::vector<SourceFile> files = Scenarios_Embedded();
  files.push_back({"missions/07_extra.json", MinimalMission().dump()});
  files.push_back({"README.md", "ignored"});
  files.push_back({"missions/notes.txt", "ignored"});
  ScenarioSet set;
  std::string error;
  REQUIRE(Scenarios_Load(files, &set, &error));
  REQUIRE(set.missions.size() == 7);
  CHECK(set.missions[6].task_id == "x_task");
  CHECK(set.missions[6].source == "missions/07_extra.json");
  Episode ep;
  Episode_Init(&ep, &set);
  REQUIRE(Episode_Reset(&ep, 6, 0));
  Classify(ep, Category::Billing);
  CHECK(Resolve(ep, "Your receipt was emailed to you and it is also in the billing history.").reward == 90);
}

TEST_CASE("scenario loader: the loaded set is untouched on failure and garbage never throws", "[scenario_loader]") {
  ScenarioSet set;
  std::string error;
  REQUIRE(Scenarios_LoadEmbedded(&set, &error));
  std::vector<SourceFile> broken = Edited(kBilling, [](json& d) { d.erase("variants"); });
  CHECK_FALSE(Scenarios_Load(broken, &set, &error));
  CHECK(error == "missions/01_billing_receipt.json: $: missing field \"variants\"");
  CHECK(set.missions.size() == 6);
  // Random garbage in every position of one file.
  const std::string garbage[] = {"", "null", "[]", "{\"articles\":null}", "{\"articles\":[null]}",
                                 "{\"articles\":[{\"id\":1}]}", std::string(5000, '['), "\"\xFF\""};
  for (const std::string& g : garbage) {
    for (const char* name : {kKb, kBilling}) {
      std::vector<SourceFile> files = Scenarios_Embedded();
      for (SourceFile& f : files) if (f.name == name) f.text = g;
      ScenarioSet s;
      std::string e;
      CHECK_NOTHROW(Scenarios_Load(files, &s, &e));
      CHECK(e.rfind(std::string(name) + ": $", 0) == 0);
    }
  }
}
