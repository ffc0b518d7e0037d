#include "support_env/protocol.h"

#include <cstdint>
#include <nlohmann/json.hpp>

#include "json_writer.h"
#include "support_env/policy.h"
#include "support_env/scenario_loader.h"
#include "support_env/text.h"
#include "support_env/version.h"

namespace support_env {
namespace {

using nlohmann::json;

constexpr std::uint64_t kMaxSeed = (1ull << 53) - 1;  // largest integer JavaScript holds exactly
constexpr std::size_t kEchoBytes = 40;                 // how much of a bad value an error quotes

// Quotes at most kEchoBytes of a (valid UTF-8) value, cut on a character boundary.
std::string Echo(std::string_view s) {
  if (s.size() <= kEchoBytes) return "\"" + std::string(s) + "\"";
  std::size_t n = kEchoBytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return "\"" + std::string(s.substr(0, n)) + "…\"";
}

const char* TypeName(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    case json::value_t::discarded: return "nothing";
    default: return "a number";
  }
}

const std::string& Error(Session* s, std::string_view message) {
  JsonWriter w(&s->response, JsonWriter::kReplace);
  w.Raw("{\"ok\":false,\"error\":");
  w.String(message);
  w.Char('}');
  return s->response;
}

const std::string& Tasks(Session* s) {
  JsonWriter w(&s->response, JsonWriter::kReplace);
  w.Raw("{\"ok\":true,\"tasks\":[");
  bool first = true;
  for (const Mission& m : s->scenarios->missions) {
    if (!first) w.Char(',');
    first = false;
    w.Raw("{\"id\":");
    w.String(m.task_id);
    w.Raw(",\"title\":");
    w.String(m.title);
    w.Raw(",\"difficulty\":");
    w.String(WireName(m.difficulty));
    w.Raw(",\"summary\":");
    w.String(m.summary);
    w.Raw(",\"ticket_id\":");
    w.String(m.variants[0].ticket_id);
    w.Raw(",\"customer_tier\":");
    w.String(WireName(m.tier));
    w.Raw(",\"variants\":");
    w.Int(static_cast<long long>(m.variants.size()));
    w.Char('}');
  }
  w.Raw("]}");
  return s->response;
}

// The environment's constants, so that clients (the dashboard, inference.py)
// show and use the engine's numbers rather than copies of them. Every value
// comes from a constant (support_env/types.h, version.h, protocol.h).
void WriteRewardRule(JsonWriter* w, const char* when, Cents reward) {
  w->Raw("{\"when\":");
  w->String(when);
  w->Raw(",\"reward\":");
  w->Cents(reward);
  w->Char('}');
}

const std::string& Spec(Session* s) {
  JsonWriter w(&s->response, JsonWriter::kReplace);
  w.Raw("{\"ok\":true,\"spec\":{\"env_version\":\"" SUPPORT_ENV_VERSION "\",\"max_steps\":");
  w.Int(kMaxSteps);
  w.Raw(",\"target_score\":");
  w.Cents(kTargetScore);
  w.Raw(",\"max_score\":");
  w.Cents(kMaxScore);
  w.Raw(",\"max_text_bytes\":");
  w.Int(static_cast<long long>(kMaxTextBytes));
  w.Raw(",\"patience\":{\"min\":");
  w.Int(kMinPatience);
  w.Raw(",\"max\":");
  w.Int(kMaxPatience);
  w.Raw("},\"tasks\":");
  w.Int(static_cast<long long>(s->scenarios->missions.size()));
  w.Raw(",\"categories\":[");
  for (int i = 0; i < kCategoryCount; ++i) {
    if (i) w.Char(',');
    w.String(WireName(static_cast<Category>(i)));
  }
  w.Raw("],\"sentiments\":[");
  for (int i = 0; i < kSentimentCount; ++i) {
    if (i) w.Char(',');
    w.String(WireName(static_cast<Sentiment>(i)));
  }
  w.Raw("],\"outcomes\":[");
  for (Outcome o : {Outcome::Resolved, Outcome::Escalated, Outcome::CustomerLeft, Outcome::StepLimit}) {
    if (o != Outcome::Resolved) w.Char(',');
    w.String(WireName(o));
  }
  w.Raw("],\"actions\":[");
  for (int i = 0; i < kActionTypeCount; ++i) {
    const auto a = static_cast<ActionType>(i);
    if (i) w.Char(',');
    w.Raw("{\"action_type\":");
    w.String(WireName(a));
    w.Raw(",\"field\":");
    w.String(ActionType_Field(a));
    if (ActionType_FieldOptional(a)) w.Raw(",\"optional\":true");
    w.Raw(",\"terminal\":");
    w.Bool(ActionType_IsTerminal(a));
    w.Raw(",\"rewards\":[");
    switch (a) {
      case ActionType::ClassifyIssue:
        WriteRewardRule(&w, "first classification, correct", kClassifyCorrect);
        w.Char(',');
        WriteRewardRule(&w, "first classification, incorrect", kClassifyWrong);
        break;
      case ActionType::SearchKb: {
        std::string cap = "top result relevant (search total capped at +";
        {
          JsonWriter cw(&cap);
          cw.Cents(kSearchCap);
        }
        cap += ")";
        WriteRewardRule(&w, cap.c_str(), kSearchCap);
        w.Char(',');
        WriteRewardRule(&w, "top result off-target (once)", kSearchOffTarget);
        break;
      }
      case ActionType::AskClarifyingQuestion:
        WriteRewardRule(&w, "first question", kFirstQuestion);
        break;
      case ActionType::ResolveTicket:
      case ActionType::EscalateToHuman:
        WriteRewardRule(&w, "correct terminal action, every requirement met", kTerminalSuccess);
        w.Char(',');
        WriteRewardRule(&w, "correct terminal action, a requirement unmet", kTerminalPartial);
        break;
    }
    w.Raw("]}");
  }
  w.Raw("],\"max_seed\":");
  w.UInt(kMaxSeed);
  w.Raw(",\"max_evaluate_seeds\":");
  w.Int(kMaxEvaluateSeeds);
  w.Raw("}}");
  return s->response;
}

// The observation object (mission.md §3.1).
void WriteObservation(const Episode& ep, JsonWriter* w) {
  const Mission& m = *ep.mission;
  const Variant& v = m.variants[static_cast<std::size_t>(ep.variant_index)];
  w->Raw("{\"env_version\":\"" SUPPORT_ENV_VERSION "\",\"task_id\":");
  w->String(m.task_id);
  w->Raw(",\"ticket_id\":");
  w->String(v.ticket_id);
  w->Raw(",\"difficulty\":");
  w->String(WireName(m.difficulty));
  w->Raw(",\"subject\":");
  w->String(v.subject);
  w->Raw(",\"customer_name\":");
  w->String(v.customer_name);
  w->Raw(",\"customer_tier\":");
  w->String(WireName(m.tier));
  w->Raw(",\"sentiment\":");
  w->String(WireName(ep.sentiment));
  w->Raw(",\"issue_category\":");
  if (ep.classified) w->String(WireName(ep.category)); else w->Raw("null");
  w->Raw(",\"knowledge_base_result\":");
  if (ep.kb_result < 0) {
    w->Raw("null");
  } else {
    const KbArticle& a = ep.scenarios->kb.articles[static_cast<std::size_t>(ep.kb_result)];
    w->Raw("{\"id\":");
    w->String(a.id);
    w->Raw(",\"title\":");
    w->String(a.title);
    w->Raw(",\"text\":");
    w->String(a.text);
    w->Char('}');
  }
  w->Raw(",\"conversation_history\":[");
  for (int i = 0; i < ep.line_count; ++i) {
    if (i) w->Char(',');
    w->Raw("{\"role\":");
    w->String(WireName(ep.lines[i].role));
    w->Raw(",\"text\":");
    w->String(ep.lines[i].text);
    w->Char('}');
  }
  w->Raw("],\"step_count\":");
  w->Int(ep.step_count);
  w->Raw(",\"max_steps\":");
  w->Int(kMaxSteps);
  w->Raw(",\"done\":");
  w->Bool(ep.done);
  w->Raw(",\"cumulative_reward\":");
  w->Cents(ep.cumulative);
  w->Raw(",\"last_action_error\":");
  if (ep.has_error) w->String(ep.last_error); else w->Raw("null");
  w->Raw(",\"outcome\":");
  if (ep.outcome == Outcome::None) w->Raw("null"); else w->String(WireName(ep.outcome));
  w->Raw(",\"success\":");
  if (ep.done) w->Bool(ep.success); else w->Raw("null");
  w->Char('}');
}

// The reset response for an episode just reset.
const std::string& ResetResponse(Session* s) {
  JsonWriter w(&s->response, JsonWriter::kReplace);
  w.Raw("{\"ok\":true,\"observation\":");
  WriteObservation(s->episode, &w);
  w.Char('}');
  return s->response;
}

const std::string& Reset(Session* s, const json& req) {
  auto task = req.find("task");
  if (task == req.end() || !task->is_string()) {
    return Error(s, "reset needs \"task\": a task id string (send {\"op\":\"tasks\"} for the list)");
  }
  const std::string& id = task->get_ref<const std::string&>();
  int index = ScenarioSet_FindMission(*s->scenarios, id);
  if (index < 0) {
    std::string msg = "unknown task " + Echo(id) + "; tasks are:";
    for (const Mission& m : s->scenarios->missions) msg += " " + m.task_id;
    return Error(s, msg);
  }
  std::uint64_t seed = 0;
  auto sv = req.find("seed");
  if (sv != req.end() && !sv->is_null()) {
    bool ok = sv->is_number_unsigned() || (sv->is_number_integer() && sv->get<std::int64_t>() >= 0);
    if (ok) seed = sv->get<std::uint64_t>();
    if (!ok || seed > kMaxSeed) {
      return Error(s, "seed must be an integer from 0 to 9007199254740991");
    }
  }
  Episode_Reset(&s->episode, index, seed);
  return ResetResponse(s);
}

// Decodes an action; on failure returns false with a message naming the problem.
bool DecodeAction(const json* v, Action* a, std::string* error) {
  if (v == nullptr) {
    *error = "step needs \"action\": an object with action_type and its field";
    return false;
  }
  if (!v->is_object()) {
    *error = std::string("action must be an object, not ") + TypeName(*v);
    return false;
  }
  auto type = v->find("action_type");
  if (type == v->end() || !type->is_string()) {
    *error = std::string("action_type is ") + (type == v->end() ? "missing" : TypeName(*type)) +
             "; it must be one of " + ActionType_AllowedList();
    return false;
  }
  const std::string& name = type->get_ref<const std::string&>();
  if (!ActionType_Parse(name, &a->type)) {
    *error = "unknown action_type " + Echo(name) + "; allowed: " + ActionType_AllowedList();
    return false;
  }
  const char* field = a->type == ActionType::ClassifyIssue ? "category_guess"
                      : a->type == ActionType::SearchKb    ? "search_query"
                                                           : "message_to_customer";
  auto f = v->find(field);
  bool absent = f == v->end() || f->is_null();
  if (absent && a->type == ActionType::EscalateToHuman) {
    a->text = {};  // the handoff note is optional
    return true;
  }
  if (absent || !f->is_string()) {
    *error = name + " needs " + field + ": " +
             (a->type == ActionType::ClassifyIssue ? std::string("one of ") + Category_AllowedList()
                                                   : std::string("a string")) +
             (absent ? " (it is missing)" : std::string(" (it is ") + TypeName(*f) + ")");
    return false;
  }
  const std::string& value = f->get_ref<const std::string&>();
  if (a->type == ActionType::ClassifyIssue) {
    if (!Category_Parse(value, &a->category)) {
      *error = "category_guess " + Echo(value) + " is not one of " + Category_AllowedList();
      return false;
    }
    return true;
  }
  a->text = value;
  return true;
}

// The step response for a step just taken.
const std::string& StepResponse(Session* s, const StepResult& r) {
  JsonWriter w(&s->response, JsonWriter::kReplace);
  w.Raw("{\"ok\":true,\"observation\":");
  WriteObservation(s->episode, &w);
  w.Raw(",\"reward\":");
  w.Cents(r.reward);
  w.Raw(",\"done\":");
  w.Bool(r.done);
  w.Raw(",\"info\":{\"reason\":");
  w.String(r.reason);
  w.Raw(",\"valid\":");
  w.Bool(r.valid);
  const Episode& ep = s->episode;
  if (ep.check_count > 0) {   // a terminal step: the checklist of requirements
    w.Raw(",\"checks\":[");
    for (int i = 0; i < ep.check_count; ++i) {
      w.Raw(i == 0 ? "{\"requirement\":" : ",{\"requirement\":");
      w.String(ep.checks[i].requirement);
      w.Raw(",\"met\":");
      w.Bool(ep.checks[i].met);
      w.Raw("}");
    }
    w.Raw("]");
  }
  w.Raw("}}");
  return s->response;
}

// Null when a step can be taken now, else the error response.
const std::string* StepRefused(Session* s) {
  if (s->episode.mission == nullptr) return &Error(s, "no episode yet: send {\"op\":\"reset\",\"task\":…} first");
  if (s->episode.done) return &Error(s, "the episode is over: send {\"op\":\"reset\",…} to start a new one");
  return nullptr;
}

const std::string& Step(Session* s, const json& req) {
  if (const std::string* refused = StepRefused(s)) return *refused;
  auto av = req.find("action");
  Action action;
  std::string error;
  StepResult r = DecodeAction(av == req.end() ? nullptr : &*av, &action, &error)
                     ? Episode_Step(&s->episode, action)
                     : Episode_StepInvalid(&s->episode, error);
  return StepResponse(s, r);
}

// ------------------------------------------------------- step fast path
// Most requests are steps whose action is valid and plainly written (what
// JSON.stringify or json.dumps produce). Building nlohmann's DOM for them was
// a third of a step's cost, so they are recognised directly. The recogniser
// is deliberately narrow: only the keys op and action (and in action only
// action_type and the three field names), each once; only string values of
// printable ASCII without escapes; JSON whitespace between tokens. Anything
// else, and every action it would have to reject, goes to the full parser,
// so answers are the same byte for byte (fuzz_protocol checks both paths).

struct FastCursor {
  const char* p;
  const char* end;
  void SkipSpace() {
    while (p != end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
  }
  bool Eat(char c) {
    SkipSpace();
    if (p == end || *p != c) return false;
    ++p;
    return true;
  }
  // A string of printable ASCII with no escapes; its contents into *out.
  bool PlainString(std::string_view* out) {
    if (!Eat('"')) return false;
    const char* start = p;
    while (p != end && *p != '"') {
      auto c = static_cast<unsigned char>(*p);
      if (c < 0x20 || c > 0x7e || c == '\\') return false;
      ++p;
    }
    if (p == end) return false;
    *out = std::string_view(start, static_cast<std::size_t>(p - start));
    ++p;
    return true;
  }
};

// {"action_type":…, <field>:…}: the action if it is one Episode_Step takes as is.
bool FastAction(FastCursor* c, Action* a) {
  if (!c->Eat('{')) return false;
  static constexpr std::string_view kKeys[] = {"action_type", "category_guess", "search_query", "message_to_customer"};
  std::string_view values[4];
  bool seen[4] = {};
  do {
    std::string_view key, value;
    if (!c->PlainString(&key) || !c->Eat(':') || !c->PlainString(&value)) return false;
    int k = 0;
    while (k < 4 && key != kKeys[k]) ++k;
    if (k == 4 || seen[k]) return false;
    seen[k] = true;
    values[k] = value;
  } while (c->Eat(','));
  if (!c->Eat('}') || !seen[0] || !ActionType_Parse(values[0], &a->type)) return false;
  const int field = a->type == ActionType::ClassifyIssue ? 1 : a->type == ActionType::SearchKb ? 2 : 3;
  for (int k = 1; k < 4; ++k) {
    if (seen[k] && k != field) return false;  // a stray field: the full parser decides
  }
  if (!seen[field]) {
    if (a->type != ActionType::EscalateToHuman) return false;
    a->text = {};
    return true;
  }
  if (a->type == ActionType::ClassifyIssue) return Category_Parse(values[1], &a->category);
  a->text = values[field];  // a view into the line, which outlives the step
  return true;
}

// A flat object of plain-string keys and nothing after it; `member(key)` reads
// each value from *c and says whether the fast path may go on.
template <typename Member>
bool FastObject(FastCursor* c, Member member) {
  if (!c->Eat('{')) return false;
  do {
    std::string_view key;
    if (!c->PlainString(&key) || !c->Eat(':') || !member(key)) return false;
  } while (c->Eat(','));
  if (!c->Eat('}')) return false;
  c->SkipSpace();
  return c->p == c->end;
}

// {"op":"step","action":{…}} in either key order, and nothing after it.
bool FastStep(std::string_view line, Action* a) {
  FastCursor c{line.data(), line.data() + line.size()};
  bool op = false, action = false;
  const bool plain = FastObject(&c, [&](std::string_view key) {
    std::string_view value;
    if (key == "op" && !op) return op = c.PlainString(&value) && value == "step";
    if (key == "action" && !action) return action = FastAction(&c, a);
    return false;
  });
  return plain && op && action;
}

// A seed as JSON.stringify writes one: null, or digits with no sign, fraction,
// exponent or leading zero, at most kMaxSeed. Anything else (even a valid
// -0 or 1e3) is left to the full parser and Reset's checks.
bool FastSeed(FastCursor* c, std::uint64_t* seed) {
  c->SkipSpace();
  if (c->end - c->p >= 4 && std::string_view(c->p, 4) == "null") {
    c->p += 4;
    *seed = 0;
    return true;
  }
  const char* start = c->p;
  std::uint64_t v = 0;
  while (c->p != c->end && *c->p >= '0' && *c->p <= '9' && c->p - start < 16) v = v * 10 + static_cast<std::uint64_t>(*c->p++ - '0');
  const std::ptrdiff_t digits = c->p - start;
  if (digits == 0 || (digits > 1 && *start == '0') || v > kMaxSeed) return false;
  // A longer number, a fraction or an exponent: not plain.
  if (c->p != c->end && ((*c->p >= '0' && *c->p <= '9') || *c->p == '.' || *c->p == 'e' || *c->p == 'E')) return false;
  *seed = v;
  return true;
}

// {"op":"reset","task":<a known task id>,"seed":<FastSeed>} in any key order,
// seed optional, nothing after it: what env.reset() and json.dumps send.
// Unknown tasks and every other shape go to the full parser for its errors.
bool FastReset(std::string_view line, const ScenarioSet& set, int* mission, std::uint64_t* seed) {
  FastCursor c{line.data(), line.data() + line.size()};
  bool op = false, task = false, has_seed = false;
  *seed = 0;
  const bool plain = FastObject(&c, [&](std::string_view key) {
    std::string_view value;
    if (key == "op" && !op) return op = c.PlainString(&value) && value == "reset";
    if (key == "task" && !task) {
      if (!c.PlainString(&value)) return false;
      *mission = ScenarioSet_FindMission(set, value);
      return task = *mission >= 0;
    }
    if (key == "seed" && !has_seed) return has_seed = FastSeed(&c, seed);
    return false;
  });
  return plain && op && task;
}

const std::string& State(Session* s) {
  const Episode& ep = s->episode;
  if (ep.mission == nullptr) return Error(s, "no episode yet: send {\"op\":\"reset\",\"task\":…} first");
  JsonWriter w(&s->response, JsonWriter::kReplace);
  w.Raw("{\"ok\":true,\"state\":{\"env_version\":\"" SUPPORT_ENV_VERSION "\",\"task_id\":");
  w.String(ep.mission->task_id);
  w.Raw(",\"seed\":");
  w.UInt(ep.seed);
  w.Raw(",\"variant\":");
  w.Int(ep.variant_index);
  w.Raw(",\"ticket_id\":");
  w.String(ep.mission->variants[static_cast<std::size_t>(ep.variant_index)].ticket_id);
  w.Raw(",\"step_count\":");
  w.Int(ep.step_count);
  w.Raw(",\"max_steps\":");
  w.Int(kMaxSteps);
  w.Raw(",\"done\":");
  w.Bool(ep.done);
  w.Raw(",\"outcome\":");
  if (ep.outcome == Outcome::None) w.Raw("null"); else w.String(WireName(ep.outcome));
  w.Raw(",\"success\":");
  if (ep.done) w.Bool(ep.success); else w.Raw("null");
  w.Raw(",\"cumulative_reward\":");
  w.Cents(ep.cumulative);
  w.Raw(",\"rewards\":[");
  for (int i = 0; i < ep.reward_count; ++i) {
    if (i) w.Char(',');
    w.Cents(ep.rewards[i]);
  }
  w.Raw("],\"questions_asked\":");
  w.Int(ep.questions_asked);
  w.Raw("}}");
  return s->response;
}

void WriteAction(const Action& a, JsonWriter* w) {
  w->Raw("{\"action_type\":");
  w->String(WireName(a.type));
  if (a.type == ActionType::ClassifyIssue) {
    w->Raw(",\"category_guess\":");
    w->String(WireName(a.category));
  } else {
    if (a.type == ActionType::SearchKb) w->Raw(",\"search_query\":"); else w->Raw(",\"message_to_customer\":");
    w->String(a.text);
  }
  w->Char('}');
}

bool ParsePolicy(Session* s, const json& req, PolicyKind* kind) {
  auto p = req.find("policy");
  if (p == req.end() || !p->is_string() || !PolicyKind_Parse(p->get_ref<const std::string&>(), kind)) {
    Error(s, "\"policy\" must be one of reference, random");
    return false;
  }
  return true;
}

// The built-in policy's next action for the current episode (it is not taken).
const std::string& Act(Session* s, const json& req) {
  const Episode& ep = s->episode;
  if (ep.mission == nullptr) return Error(s, "no episode yet: send {\"op\":\"reset\",\"task\":…} first");
  if (ep.done) return Error(s, "the episode is over: send {\"op\":\"reset\",…} to start a new one");
  PolicyKind kind;
  if (!ParsePolicy(s, req, &kind)) return s->response;
  PolicyAction pa;
  Policy_Act(kind, PolicyView_Of(ep), ep.seed, &pa);
  JsonWriter w(&s->response, JsonWriter::kReplace);
  w.Raw("{\"ok\":true,\"action\":");
  WriteAction(pa.action, &w);
  w.Char('}');
  return s->response;
}

// Plays a policy over tasks x seeds and reports every episode's score and success.
const std::string& Evaluate(Session* s, const json& req) {
  PolicyKind kind;
  if (!ParsePolicy(s, req, &kind)) return s->response;
  const ScenarioSet& set = *s->scenarios;
  std::vector<int> missions;
  auto tasks = req.find("tasks");
  if (tasks == req.end() || tasks->is_null()) {
    for (std::size_t i = 0; i < set.missions.size(); ++i) missions.push_back(static_cast<int>(i));
  } else {
    if (!tasks->is_array() || tasks->empty()) return Error(s, "\"tasks\" must be a non-empty array of task ids");
    for (const json& t : *tasks) {
      int m = t.is_string() ? ScenarioSet_FindMission(set, t.get_ref<const std::string&>()) : -1;
      if (m < 0) return Error(s, "\"tasks\" holds an unknown task id: " + (t.is_string() ? Echo(t.get_ref<const std::string&>()) : std::string(TypeName(t))));
      missions.push_back(m);
    }
  }
  auto count = req.find("seeds");
  auto first = req.find("first_seed");
  if (count == req.end() || !count->is_number_integer() || count->get<std::int64_t>() < 1 ||
      count->get<std::int64_t>() > kMaxEvaluateSeeds) {
    return Error(s, "\"seeds\" must be an integer from 1 to 10000");
  }
  std::uint64_t first_seed = 0;
  if (first != req.end() && !first->is_null()) {
    if (!first->is_number_integer() || first->get<std::int64_t>() < 0 ||
        first->get<std::uint64_t>() > kMaxSeed - kMaxEvaluateSeeds) {
      return Error(s, "\"first_seed\" must be a non-negative integer");
    }
    first_seed = first->get<std::uint64_t>();
  }
  int seeds = static_cast<int>(count->get<std::int64_t>());

  Episode& ep = s->evaluation;
  if (ep.scenarios != s->scenarios) Episode_Init(&ep, s->scenarios);
  PolicyAction pa;
  JsonWriter w(&s->response, JsonWriter::kReplace);
  w.Raw("{\"ok\":true,\"policy\":");
  w.String(PolicyKind_Name(kind));
  w.Raw(",\"first_seed\":");
  w.UInt(first_seed);
  w.Raw(",\"seeds\":");
  w.Int(seeds);
  w.Raw(",\"results\":[");
  std::string scores, successes, steps;
  for (std::size_t i = 0; i < missions.size(); ++i) {
    scores.clear();
    successes.clear();
    steps.clear();
    {
      JsonWriter sw(&scores), okw(&successes), nw(&steps);
      for (int k = 0; k < seeds; ++k) {
        std::uint64_t seed = first_seed + static_cast<std::uint64_t>(k);
        Episode_Reset(&ep, missions[i], seed);
        while (!ep.done) {
          Policy_Act(kind, PolicyView_Of(ep), seed, &pa);
          Episode_Step(&ep, pa.action);
        }
        if (k) { sw.Char(','); okw.Char(','); nw.Char(','); }
        sw.Cents(ep.cumulative);
        okw.Bool(ep.success);
        nw.Int(ep.step_count);
      }
    }
    if (i) w.Char(',');
    w.Raw("{\"task\":");
    w.String(set.missions[static_cast<std::size_t>(missions[i])].task_id);
    w.Raw(",\"scores\":[");
    w.Raw(scores);
    w.Raw("],\"success\":[");
    w.Raw(successes);
    w.Raw("],\"steps\":[");
    w.Raw(steps);
    w.Raw("]}");
  }
  w.Raw("]}");
  return s->response;
}

// Switches the session to a scenario pack ({"files":[{"name","text"}]}) or back
// to the set it started with ({"builtin":true}); the current episode ends.
const std::string& LoadScenarios(Session* s, const json& req) {
  auto builtin = req.find("builtin");
  if (builtin != req.end() && builtin->is_boolean() && builtin->get<bool>()) {
    s->pack.reset();
    s->scenarios = s->initial;
  } else {
    auto files = req.find("files");
    if (files == req.end() || !files->is_array()) {
      return Error(s, "load_scenarios needs \"files\": [{\"name\":\"missions/x.json\",\"text\":\"…\"},…] or \"builtin\":true");
    }
    std::vector<SourceFile> sources;
    for (std::size_t i = 0; i < files->size(); ++i) {
      const json& f = (*files)[i];
      auto name = f.is_object() ? f.find("name") : f.end();
      auto text = f.is_object() ? f.find("text") : f.end();
      if (!f.is_object() || name == f.end() || text == f.end() || !name->is_string() || !text->is_string()) {
        return Error(s, "files[" + std::to_string(i) + "] must be {\"name\": string, \"text\": string}");
      }
      sources.push_back({name->get<std::string>(), text->get<std::string>()});
    }
    auto pack = std::make_unique<ScenarioSet>();
    std::string error;
    if (!Scenarios_Load(sources, pack.get(), &error)) return Error(s, error);
    s->pack = std::move(pack);
    s->scenarios = s->pack.get();
  }
  Episode_Init(&s->episode, s->scenarios);
  Episode_Init(&s->evaluation, s->scenarios);
  return Tasks(s);
}

}  // namespace

void Session_Init(Session* s, const ScenarioSet* scenarios) {
  s->scenarios = scenarios;
  s->initial = scenarios;
  s->pack.reset();
  Episode_Init(&s->episode, scenarios);
  Episode_Init(&s->evaluation, scenarios);
  s->response.reserve(4096);
}

const std::string& Session_HandleLine(Session* s, std::string_view line) {
  if (line.size() > kMaxRequestBytes) return Error(s, "request line longer than 4 MiB");
  // The fast paths take no line with a NUL byte (they accept only printable
  // ASCII inside strings and JSON whitespace between tokens), so the NUL check
  // below can wait until they have declined.
  if (s->fast_path) {
    Action action;
    if (s->episode.mission != nullptr && !s->episode.done && FastStep(line, &action)) {
      ++s->fast_steps_served;
      return StepResponse(s, Episode_Step(&s->episode, action));
    }
    int mission = -1;
    std::uint64_t seed;
    if (FastReset(line, *s->scenarios, &mission, &seed)) {
      ++s->fast_resets_served;
      Episode_Reset(&s->episode, mission, seed);
      return ResetResponse(s);
    }
  }
  // The parser stops at a raw NUL as if the input ended there; JSON text never
  // holds one (inside strings it is written \u0000), so refuse the line.
  if (line.find('\0') != std::string_view::npos) return Error(s, "request is not valid JSON (it contains a NUL byte)");
  json req = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (req.is_discarded()) {
    return Error(s, Text_IsValidUtf8(line) ? "request is not valid JSON"
                                           : "request is not valid UTF-8 (so not valid JSON)");
  }
  if (!req.is_object()) return Error(s, "request must be a JSON object with an \"op\" field");
  auto op = req.find("op");
  if (op == req.end() || !op->is_string()) {
    return Error(s, "request needs \"op\": one of tasks, spec, reset, step, state, act, evaluate, load_scenarios");
  }
  const std::string& name = op->get_ref<const std::string&>();
  if (name == "step") return Step(s, req);
  if (name == "reset") return Reset(s, req);
  if (name == "state") return State(s);
  if (name == "tasks") return Tasks(s);
  if (name == "spec") return Spec(s);
  if (name == "act") return Act(s, req);
  if (name == "evaluate") return Evaluate(s, req);
  if (name == "load_scenarios") return LoadScenarios(s, req);
  return Error(s, "unknown op " + Echo(name) + "; ops are: tasks, spec, reset, step, state, act, evaluate, load_scenarios");
}

void Protocol_WriteObservation(const Episode& ep, std::string* out) {
  JsonWriter w(out);
  WriteObservation(ep, &w);
}

}  // namespace support_env
