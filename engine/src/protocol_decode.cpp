// Decoding: request lines into requests. Two grammars read actions, the full
// JSON parser (nlohmann's DOM, every error named) and the fast path (plain
// lines only); both apply the same action rules below, so they cannot disagree.
#include <nlohmann/json.hpp>

#include "protocol_internal.h"
#include "support_env/protocol.h"

namespace support_env::protocol {
namespace {

using nlohmann::json;

constexpr std::size_t kEchoBytes = 40;  // how much of a bad value an error quotes

// ------------------------------------------------------- the action rules
// An action is {"action_type": <name>, <its field>: <value>}. Which field an
// action type takes, and whether it may be left out, comes from
// ActionType_FieldOf and ActionType_FieldOptional (support_env/types.h).

// True when an absent field is allowed (the handoff note); the action is complete.
bool AcceptAbsentField(Action* a) {
  if (!ActionType_FieldOptional(a->type)) return false;
  a->text = {};
  return true;
}

// Takes the field's string value into the action: a category for
// classify_issue, else the text (a view into the request). False when the
// value is not one the field allows.
bool AcceptFieldValue(std::string_view value, Action* a) {
  if (ActionType_FieldOf(a->type) == ActionField::CategoryGuess) return Category_Parse(value, &a->category);
  a->text = value;
  return true;
}

// ------------------------------------------------------- the full parser

std::string SeedRangeError() {
  return "seed must be an integer from 0 to " + std::to_string(kMaxSeed);
}

// An optional boolean member: absent or null reads as false.
bool DecodeFlag(const json& req, const char* name, bool* out, std::string* error) {
  auto v = req.find(name);
  *out = false;
  if (v == req.end() || v->is_null()) return true;
  if (!v->is_boolean()) {
    *error = std::string("\"") + name + "\" must be true or false, not " + TypeName(*v);
    return false;
  }
  *out = v->get<bool>();
  return true;
}

}  // namespace

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
  const std::string_view field = ActionType_Field(a->type);
  const bool category = ActionType_FieldOf(a->type) == ActionField::CategoryGuess;
  auto f = v->find(field);
  bool absent = f == v->end() || f->is_null();
  if (absent && AcceptAbsentField(a)) return true;
  if (absent || !f->is_string()) {
    *error = name + " needs " + std::string(field) + ": " +
             (category ? std::string("one of ") + Category_AllowedList() : std::string("a string")) +
             (absent ? " (it is missing)" : std::string(" (it is ") + TypeName(*f) + ")");
    return false;
  }
  const std::string& value = f->get_ref<const std::string&>();
  if (!AcceptFieldValue(value, a)) {
    *error = std::string(field) + " " + Echo(value) + " is not one of " + Category_AllowedList();
    return false;
  }
  return true;
}

bool DecodeReset(const json& req, const ScenarioSet& set, int* mission, std::uint64_t* seed, std::string* error) {
  auto task = req.find("task");
  if (task == req.end() || !task->is_string()) {
    *error = "reset needs \"task\": a task id string (send {\"op\":\"tasks\"} for the list)";
    return false;
  }
  const std::string& id = task->get_ref<const std::string&>();
  *mission = ScenarioSet_FindMission(set, id);
  if (*mission < 0) {
    *error = "unknown task " + Echo(id) + "; tasks are:";
    for (const Mission& m : set.missions) *error += " " + m.task_id;
    return false;
  }
  *seed = 0;
  auto sv = req.find("seed");
  if (sv != req.end() && !sv->is_null()) {
    bool ok = sv->is_number_unsigned() || (sv->is_number_integer() && sv->get<std::int64_t>() >= 0);
    if (ok) *seed = sv->get<std::uint64_t>();
    if (!ok || *seed > kMaxSeed) {
      *error = SeedRangeError();
      return false;
    }
  }
  return true;
}

bool DecodePolicy(const json& req, PolicyKind* kind, std::string* error) {
  auto p = req.find("policy");
  if (p == req.end() || !p->is_string() || !PolicyKind_Parse(p->get_ref<const std::string&>(), kind)) {
    *error = std::string("\"policy\" must be one of ") + PolicyKind_AllowedList();
    return false;
  }
  return true;
}

bool DecodeEvaluate(const json& req, const ScenarioSet& set, EvaluateRequest* out, std::string* error) {
  if (!DecodePolicy(req, &out->policy, error)) return false;
  out->missions.clear();
  auto tasks = req.find("tasks");
  if (tasks == req.end() || tasks->is_null()) {
    for (std::size_t i = 0; i < set.missions.size(); ++i) out->missions.push_back(static_cast<int>(i));
  } else {
    if (!tasks->is_array() || tasks->empty()) {
      *error = "\"tasks\" must be a non-empty array of task ids";
      return false;
    }
    for (const json& t : *tasks) {
      int m = t.is_string() ? ScenarioSet_FindMission(set, t.get_ref<const std::string&>()) : -1;
      if (m < 0) {
        *error = "\"tasks\" holds an unknown task id: " +
                 (t.is_string() ? Echo(t.get_ref<const std::string&>()) : std::string(TypeName(t)));
        return false;
      }
      out->missions.push_back(m);
    }
  }
  auto count = req.find("seeds");
  auto first = req.find("first_seed");
  if (count == req.end() || !count->is_number_integer() || count->get<std::int64_t>() < 1 ||
      count->get<std::int64_t>() > kMaxEvaluateSeeds) {
    *error = "\"seeds\" must be an integer from 1 to " + std::to_string(kMaxEvaluateSeeds);
    return false;
  }
  out->first_seed = 0;
  if (first != req.end() && !first->is_null()) {
    if (!first->is_number_integer() || first->get<std::int64_t>() < 0 ||
        first->get<std::uint64_t>() > kMaxSeed - kMaxEvaluateSeeds) {
      *error = "\"first_seed\" must be a non-negative integer";
      return false;
    }
    out->first_seed = first->get<std::uint64_t>();
  }
  out->seeds = static_cast<int>(count->get<std::int64_t>());
  return DecodeFlag(req, "stats", &out->stats, error) && DecodeFlag(req, "record", &out->record, error);
}

bool DecodeStats(const json& req, bool* clear, std::string* error) { return DecodeFlag(req, "clear", clear, error); }

bool DecodeLoadScenarios(const json& req, bool* builtin, std::vector<SourceFile>* sources, std::string* error) {
  auto b = req.find("builtin");
  *builtin = b != req.end() && b->is_boolean() && b->get<bool>();
  if (*builtin) return true;
  auto files = req.find("files");
  if (files == req.end() || !files->is_array()) {
    *error = "load_scenarios needs \"files\": [{\"name\":\"missions/x.json\",\"text\":\"…\"},…] or \"builtin\":true";
    return false;
  }
  for (std::size_t i = 0; i < files->size(); ++i) {
    const json& f = (*files)[i];
    auto name = f.is_object() ? f.find("name") : f.end();
    auto text = f.is_object() ? f.find("text") : f.end();
    if (!f.is_object() || name == f.end() || text == f.end() || !name->is_string() || !text->is_string()) {
      *error = "files[" + std::to_string(i) + "] must be {\"name\": string, \"text\": string}";
      return false;
    }
    sources->push_back({name->get<std::string>(), text->get<std::string>()});
  }
  return true;
}

// ------------------------------------------------------- the fast paths
// Most requests are steps whose action is valid and plainly written (what
// JSON.stringify or json.dumps produce). Building nlohmann's DOM for them was
// a third of a step's cost (docs/performance.md), so they are recognised
// directly. The recogniser is deliberately narrow: only the keys op and action
// (and in action only action_type and the action fields), each once; only
// string values of printable ASCII without escapes; JSON whitespace between
// tokens. Anything else, and every action it would have to reject, goes to the
// full parser, so answers are the same byte for byte (the differential tests
// and fuzz_protocol check both paths).

namespace {

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
  constexpr int kNone = -1;  // the action_type key; fields are 0 .. kActionFieldCount-1
  std::string_view type, values[kActionFieldCount];
  bool has_type = false, seen[kActionFieldCount] = {};
  do {
    std::string_view key, value;
    if (!c->PlainString(&key) || !c->Eat(':') || !c->PlainString(&value)) return false;
    int k = key == "action_type" ? kNone : 0;
    while (k != kNone && k < kActionFieldCount && key != WireName(static_cast<ActionField>(k))) ++k;
    if (k == kActionFieldCount) return false;
    bool& once = k == kNone ? has_type : seen[k];
    if (once) return false;
    once = true;
    (k == kNone ? type : values[k]) = value;
  } while (c->Eat(','));
  if (!c->Eat('}') || !has_type || !ActionType_Parse(type, &a->type)) return false;
  const int field = static_cast<int>(ActionType_FieldOf(a->type));
  for (int k = 0; k < kActionFieldCount; ++k) {
    if (seen[k] && k != field) return false;  // a stray field: the full parser decides
  }
  if (!seen[field]) return AcceptAbsentField(a);
  return AcceptFieldValue(values[field], a);  // text: a view into the line, which outlives the step
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

// A seed as JSON.stringify writes one: null, or digits with no sign, fraction,
// exponent or leading zero, at most kMaxSeed. Anything else (even a valid
// -0 or 1e3) is left to the full parser and DecodeReset's checks.
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

}  // namespace

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

}  // namespace support_env::protocol
