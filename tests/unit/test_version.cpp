// The environment's version and constants (mission.md §3.3): one version,
// in spec, every observation and the state; spec written from the engine's
// constants.
#include "helpers.h"
#include "support_env/version.h"

using namespace test;

namespace {

double Decimal(Cents c) { return c / 100.0; }

}  // namespace

TEST_CASE("version: spec, every observation and the state carry the engine's version", "[version]") {
  REQUIRE_FALSE(kEnvVersion.empty());
  const std::string version(kEnvVersion);
  Client c;
  CHECK(c.Call(R"({"op":"spec"})")["spec"]["env_version"] == version);
  for (const std::string& task : TaskIds()) {
    for (std::uint64_t seed : {0ull, 3ull}) {
      for (const std::string& line : FixedScript(task, seed)) {
        std::string raw = c.Raw(line);
        json r = json::parse(raw);
        if (r.contains("observation")) {
          CHECK(r["observation"]["env_version"] == version);
          // The first field, so a reader sees it before anything else.
          CHECK(raw.rfind("{\"ok\":true,\"observation\":{\"env_version\":\"" + version + "\",", 0) == 0);
        }
        if (r.contains("state")) CHECK(r["state"]["env_version"] == version);
      }
    }
  }
}

TEST_CASE("version: spec is written from the engine's constants", "[version]") {
  Client c;
  json spec = c.Call(R"({"op":"spec"})")["spec"];
  CHECK(spec["max_steps"] == kMaxSteps);
  CHECK(spec["max_text_bytes"] == kMaxTextBytes);
  CHECK(spec["target_score"].get<double>() == Approx(Decimal(kTargetScore)));
  CHECK(spec["max_score"].get<double>() == Approx(Decimal(kMaxScore)));
  CHECK(spec["patience"]["min"] == kMinPatience);
  CHECK(spec["patience"]["max"] == kMaxPatience);
  CHECK(spec["tasks"] == Embedded().missions.size());
  REQUIRE(spec["categories"].size() == static_cast<std::size_t>(kCategoryCount));
  for (int i = 0; i < kCategoryCount; ++i) CHECK(spec["categories"][i] == std::string(WireName(static_cast<Category>(i))));
  REQUIRE(spec["sentiments"].size() == static_cast<std::size_t>(kSentimentCount));
  for (int i = 0; i < kSentimentCount; ++i) CHECK(spec["sentiments"][i] == std::string(WireName(static_cast<Sentiment>(i))));
  REQUIRE(spec["actions"].size() == static_cast<std::size_t>(kActionTypeCount));
  for (int i = 0; i < kActionTypeCount; ++i) {
    const auto a = static_cast<ActionType>(i);
    const json& s = spec["actions"][i];
    INFO(WireName(a));
    CHECK(s["action_type"] == std::string(WireName(a)));
    CHECK(s["field"] == std::string(ActionType_Field(a)));
    CHECK(s["terminal"] == ActionType_IsTerminal(a));
    CHECK(s.value("optional", false) == ActionType_FieldOptional(a));
  }
  auto rewards = [&](int i) {
    std::vector<Cents> out;
    for (const json& r : spec["actions"][i]["rewards"]) out.push_back(ToCents(r["reward"]));
    return out;
  };
  CHECK(rewards(0) == std::vector<Cents>{kClassifyCorrect, kClassifyWrong});
  CHECK(rewards(1) == std::vector<Cents>{kSearchCap, kSearchOffTarget});
  CHECK(rewards(2) == std::vector<Cents>{kFirstQuestion});
  CHECK(rewards(3) == std::vector<Cents>{kTerminalSuccess, kTerminalPartial});
  CHECK(rewards(4) == std::vector<Cents>{kTerminalSuccess, kTerminalPartial});
  CHECK(spec["max_evaluate_seeds"] == kMaxEvaluateSeeds);
  CHECK(spec["max_seed"] == (1ull << 53) - 1);
  // The table's sums agree with the episode's: a perfect play scores max_score.
  Env env("vague_complaint", 0);
  const Script& s = ScriptOf("vague_complaint");
  Ask(env.ep, "What exactly is broken?");
  Classify(env.ep, s.category);
  Search(env.ep, s.query);
  Resolve(env.ep, s.message);
  CHECK(env.ep.cumulative == kMaxScore);
}
