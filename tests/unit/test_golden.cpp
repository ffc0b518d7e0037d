// The golden transcript (tests/golden/transcript.txt): the engine's answers to
// a fixed script over every mission and seeds 0-5, and the seed -> variant
// table for seeds 0-63, pinned byte for byte. A build is compared with a
// recording, not with itself, so a change in behaviour cannot pass unnoticed:
// it needs a new environment version and a regenerated transcript.
#include "golden.h"
#include "support_env/version.h"

using namespace test;

namespace {

// Replays every request through one session; the first mismatch, or "".
std::string Replay(const Golden& t, bool fast_path) {
  ScenarioSet set;
  std::string error;
  REQUIRE(Scenarios_LoadEmbedded(&set, &error));
  Session session;
  Session_Init(&session, &set);
  SessionProbe probe;
  probe.fast_path = fast_path;
  session.probe = &probe;
  for (const GoldenExchange& e : t.exchanges) {
    const std::string& actual = Session_HandleLine(&session, e.request);
    if (!GoldenMatches(e, actual)) return GoldenMismatch(e, actual, fast_path ? "in-process" : "in-process, full parser");
  }
  return "";
}

}  // namespace
TEST_CASE("golden: the transcript was recorded by this environment version", "[golden]") {
  Golden t = LoadGolden();
  INFO("The transcript records env_version " << t.version << "; the engine is " << kEnvVersion << ". After a "
       "version bump, regenerate it with: " << kRegenerate);
  CHECK(t.version == std::string(kEnvVersion));
}

TEST_CASE("golden: the engine answers the fixed script byte for byte as recorded", "[golden]") {
  Golden t = LoadGolden();
  REQUIRE(t.exchanges.size() > 1000u);
  // The script covers every mission, success, failure, and refused requests
  // (counted in the responses recorded in full: the preamble and seed 0).
  std::size_t resets = 0, successes = 0, refused = 0, left = 0, hashed = 0;
  for (const GoldenExchange& e : t.exchanges) {
    resets += e.request.find("\"op\":\"reset\"") != std::string::npos;
    hashed += e.hashed;
    successes += e.response.find("\"success\":true") != std::string::npos;
    refused += e.response.rfind("{\"ok\":false", 0) == 0;
    left += e.response.find("\"outcome\":\"customer_left\"") != std::string::npos;
  }
  CHECK(resets == 6u * 6u * 4u);
  CHECK(successes >= 6u);
  CHECK(hashed > 0u);
  CHECK(refused > 0u);
  CHECK(left > 0u);
  for (bool fast : {true, false}) {
    std::string mismatch = Replay(t, fast);
    INFO(mismatch);
    CHECK(mismatch.empty());
  }
}

TEST_CASE("golden: each mission's seed -> variant table for seeds 0-63 is as recorded", "[golden]") {
  Golden t = LoadGolden();
  REQUIRE(t.variants.size() == TaskIds().size());
  for (const auto& [task, recorded] : t.variants) {
    INFO(task << ": behaviour changed (a seed selects another variant). If deliberate, bump the environment "
         "version and regenerate with: " << kRegenerate);
    const Mission& m = MissionOf(task);
    REQUIRE(recorded.size() == 64u);
    std::vector<int> now;
    for (std::uint64_t seed = 0; seed < 64; ++seed) {
      now.push_back(Episode_VariantForSeed(seed, static_cast<int>(m.variants.size())));
      Env env(task, seed);
      CHECK(env.ep.variant_index == now.back());
    }
    CHECK(now == recorded);
  }
}
