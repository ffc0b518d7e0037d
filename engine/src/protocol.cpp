// Dispatch: the Session. Reads a request line (protocol_decode.cpp), runs it on
// the core, answers with a writer (protocol_encode.cpp). Whether an episode is
// running is decided here, in EpisodeRefusal, and nowhere else in the protocol.
#include "support_env/protocol.h"

#include <nlohmann/json.hpp>

#include "protocol_internal.h"
#include "support_env/session_probe.h"
#include "support_env/text.h"

namespace support_env {
namespace {

using nlohmann::json;
using namespace protocol;

// What a request needs of the session's episode.
enum class Needs { AnEpisode, ARunningEpisode };

// Null when the session's episode is what the request needs, else the error
// response: the one place the protocol decides whether an episode is running.
const std::string* EpisodeRefusal(Session* s, Needs needs) {
  if (s->episode.mission == nullptr) return &ErrorResponse(s, "no episode yet: send {\"op\":\"reset\",\"task\":…} first");
  if (needs == Needs::ARunningEpisode && s->episode.done) {
    return &ErrorResponse(s, "the episode is over: send {\"op\":\"reset\",…} to start a new one");
  }
  return nullptr;
}

const std::string& Reset(Session* s, const json& req) {
  int mission = -1;
  std::uint64_t seed = 0;
  std::string error;
  if (!DecodeReset(req, *s->scenarios, &mission, &seed, &error)) return ErrorResponse(s, error);
  Episode_Reset(&s->episode, mission, seed);
  return ResetResponse(s);
}

// Adds the session's episode to its stats when the step `r` ended it.
StepResult Recorded(Session* s, const StepResult& r) {
  if (r.accepted && r.done) Stats_AddEpisode(&s->stats[static_cast<std::size_t>(s->episode.mission_index)], s->episode);
  return r;
}

const std::string& Step(Session* s, const json& req) {
  if (const std::string* refused = EpisodeRefusal(s, Needs::ARunningEpisode)) return *refused;
  auto av = req.find("action");
  Action action;
  std::string error;
  StepResult r = DecodeAction(av == req.end() ? nullptr : &*av, &action, &error)
                     ? Session_Step(s, action)
                     : Recorded(s, Episode_StepInvalid(&s->episode, error));
  return StepResponse(s, r);
}

const std::string& State(Session* s, const json&) {
  if (const std::string* refused = EpisodeRefusal(s, Needs::AnEpisode)) return *refused;
  return StateResponse(s);
}

// The built-in policy's next action for the current episode (it is not taken).
const std::string& Act(Session* s, const json& req) {
  if (const std::string* refused = EpisodeRefusal(s, Needs::ARunningEpisode)) return *refused;
  PolicyKind kind;
  std::string error;
  if (!DecodePolicy(req, &kind, &error)) return ErrorResponse(s, error);
  PolicyAction pa;
  Policy_Act(kind, PolicyView_Of(s->episode), s->episode.seed, &pa);
  return ActResponse(s, pa.action);
}

// Plays a policy over tasks x seeds and reports every episode's score and
// success (with "stats":true, the aggregated figures too).
const std::string& Evaluate(Session* s, const json& req) {
  EvaluateRequest er;
  std::string error;
  if (!DecodeEvaluate(req, *s->scenarios, &er, &error)) return ErrorResponse(s, error);
  return EvaluateResponse(s, er);
}

// The stats of the episodes the session finished, per task and overall;
// {"clear":true} empties them after answering.
const std::string& Stats(Session* s, const json& req) {
  bool clear = false;
  std::string error;
  if (!DecodeStats(req, &clear, &error)) return ErrorResponse(s, error);
  const std::string& response = StatsResponse(s);
  if (clear) {
    for (EpisodeStats& st : s->stats) Stats_Clear(&st);
  }
  return response;
}

// Switches the session to a scenario pack ({"files":[{"name","text"}]}) or back
// to the set it started with ({"builtin":true}); the current episode ends and
// the stats, which were per mission of the old set, start over.
const std::string& LoadScenarios(Session* s, const json& req) {
  bool builtin = false;
  std::vector<SourceFile> sources;
  std::string error;
  if (!DecodeLoadScenarios(req, &builtin, &sources, &error)) return ErrorResponse(s, error);
  if (builtin) {
    s->pack.reset();
    s->scenarios = s->initial;
  } else {
    auto pack = std::make_unique<ScenarioSet>();
    if (!Scenarios_Load(sources, pack.get(), &error)) return ErrorResponse(s, error);
    s->pack = std::move(pack);
    s->scenarios = s->pack.get();
  }
  Episode_Init(&s->episode, s->scenarios);
  Episode_Init(&s->evaluation, s->scenarios);
  s->stats.assign(s->scenarios->missions.size(), EpisodeStats{});
  return TasksResponse(s);
}

const std::string& Tasks(Session* s, const json&) { return TasksResponse(s); }
const std::string& Spec(Session* s, const json&) { return SpecResponse(s); }

// The ops, in the order error messages list them.
struct Op {
  const char* name;
  const std::string& (*serve)(Session*, const json&);
};
constexpr Op kOps[] = {{"tasks", Tasks}, {"spec", Spec}, {"reset", Reset}, {"step", Step},
                       {"state", State}, {"act", Act}, {"evaluate", Evaluate}, {"stats", Stats},
                       {"load_scenarios", LoadScenarios}};

// "tasks, spec, …": the op names for error messages.
const std::string& OpList() {
  static const std::string list = [] {
    std::string out;
    for (const Op& op : kOps) out += (out.empty() ? "" : ", ") + std::string(op.name);
    return out;
  }();
  return list;
}

// The fast paths (protocol_decode.cpp): a plain step while an episode runs, a
// plain reset of a known task. Null when the line is not one of them.
const std::string* ServeFast(Session* s, std::string_view line) {
  SessionProbe* probe = s->probe;
  if (probe != nullptr && !probe->fast_path) return nullptr;
  Action action;
  if (s->episode.mission != nullptr && !s->episode.done && FastStep(line, &action)) {
    if (probe != nullptr) ++probe->fast_steps_served;
    return &StepResponse(s, Session_Step(s, action));
  }
  int mission = -1;
  std::uint64_t seed;
  if (FastReset(line, *s->scenarios, &mission, &seed)) {
    if (probe != nullptr) ++probe->fast_resets_served;
    Episode_Reset(&s->episode, mission, seed);
    return &ResetResponse(s);
  }
  return nullptr;
}

}  // namespace

void Session_Init(Session* s, const ScenarioSet* scenarios) {
  s->scenarios = scenarios;
  s->initial = scenarios;
  s->pack.reset();
  Episode_Init(&s->episode, scenarios);
  Episode_Init(&s->evaluation, scenarios);
  s->stats.assign(scenarios == nullptr ? 0 : scenarios->missions.size(), EpisodeStats{});
  s->response.reserve(4096);
}

StepResult Session_Step(Session* s, const Action& action) { return Recorded(s, Episode_Step(&s->episode, action)); }

const std::string& Session_HandleLine(Session* s, std::string_view line) {
  if (line.size() > kMaxRequestBytes) {
    static const std::string too_long = "request line longer than " + std::to_string(kMaxRequestBytes >> 20) + " MiB";
    return ErrorResponse(s, too_long);
  }
  // The fast paths take no line with a NUL byte (they accept only printable
  // ASCII inside strings and JSON whitespace between tokens), so the NUL check
  // below can wait until they have declined.
  if (const std::string* fast = ServeFast(s, line)) return *fast;
  // The parser stops at a raw NUL as if the input ended there; JSON text never
  // holds one (inside strings it is written \u0000), so refuse the line.
  if (line.find('\0') != std::string_view::npos) return ErrorResponse(s, "request is not valid JSON (it contains a NUL byte)");
  json req = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (req.is_discarded()) {
    return ErrorResponse(s, Text_IsValidUtf8(line) ? "request is not valid JSON"
                                                   : "request is not valid UTF-8 (so not valid JSON)");
  }
  if (!req.is_object()) return ErrorResponse(s, "request must be a JSON object with an \"op\" field");
  auto op = req.find("op");
  if (op == req.end() || !op->is_string()) return ErrorResponse(s, "request needs \"op\": one of " + OpList());
  const std::string& name = op->get_ref<const std::string&>();
  for (const Op& o : kOps) {
    if (name == o.name) return o.serve(s, req);
  }
  return ErrorResponse(s, "unknown op " + Echo(name) + "; ops are: " + OpList());
}

}  // namespace support_env
