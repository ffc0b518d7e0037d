// Internal to the protocol edge (support_env/protocol.h): what its three parts
// share. Each part has one job:
//   protocol_decode.cpp  request line -> request: the full parser, the fast
//                        paths, and the action rules both of them apply;
//   protocol_encode.cpp  the response writers;
//   protocol.cpp         Session: dispatch, and whether an episode is running.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "support_env/policy.h"
#include "support_env/protocol.h"
#include "support_env/scenario_loader.h"

namespace support_env::protocol {

/// Largest seed: the largest integer JavaScript holds exactly.
constexpr std::uint64_t kMaxSeed = (1ull << 53) - 1;

// ------------------------------------------------------------ decoding
// Each decoder returns false with the error message on a bad request.

/// Quotes at most 40 bytes of a (valid UTF-8) value, cut on a character boundary.
std::string Echo(std::string_view s);
/// "a string", "an array", … : what a JSON value is, for error messages.
const char* TypeName(const nlohmann::json& v);

/// The full parser's action: `v` is the request's "action" (null when absent).
bool DecodeAction(const nlohmann::json* v, Action* a, std::string* error);
/// {"task","seed"} of a reset request.
bool DecodeReset(const nlohmann::json& req, const ScenarioSet& set, int* mission, std::uint64_t* seed,
                 std::string* error);
/// {"policy"} of an act or evaluate request.
bool DecodePolicy(const nlohmann::json& req, PolicyKind* kind, std::string* error);

struct EvaluateRequest {
  PolicyKind policy = PolicyKind::Reference;
  std::vector<int> missions;
  std::uint64_t first_seed = 0;
  int seeds = 0;
  bool stats = false;    // "stats":true: each result (and an overall) carries the aggregated figures
  bool record = false;   // "record":true: the episodes also go into the session's stats
};
bool DecodeEvaluate(const nlohmann::json& req, const ScenarioSet& set, EvaluateRequest* out, std::string* error);

/// {"clear"} of a stats request (absent or null: false).
bool DecodeStats(const nlohmann::json& req, bool* clear, std::string* error);

/// {"builtin":true} (*builtin set) or {"files":[{"name","text"}]}.
bool DecodeLoadScenarios(const nlohmann::json& req, bool* builtin, std::vector<SourceFile>* files,
                         std::string* error);

/// The fast paths: a plainly written step or reset (what JSON.stringify and
/// json.dumps produce) recognised without the JSON DOM. False means "not
/// plain": the full parser decides, so answers are the same byte for byte.
bool FastStep(std::string_view line, Action* a);
bool FastReset(std::string_view line, const ScenarioSet& set, int* mission, std::uint64_t* seed);

// ------------------------------------------------------------ encoding
// Each writer replaces s->response and returns it.

const std::string& ErrorResponse(Session* s, std::string_view message);
const std::string& TasksResponse(Session* s);
const std::string& SpecResponse(Session* s);
const std::string& ResetResponse(Session* s);                       // the episode just reset
const std::string& StepResponse(Session* s, const StepResult& r);   // the step just taken
const std::string& StateResponse(Session* s);
const std::string& ActResponse(Session* s, const Action& a);
/// Plays the evaluation in s->evaluation and writes every episode's result
/// (and, when asked, the aggregated stats; when asked, adds them to s->stats).
const std::string& EvaluateResponse(Session* s, const EvaluateRequest& req);
/// The session's stats: per task of its scenario set, and overall.
const std::string& StatsResponse(Session* s);

}  // namespace support_env::protocol
