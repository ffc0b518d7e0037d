// Native benchmark: steps per second through the C++ API and through the
// JSON-lines protocol, on the mixed workload of workload.h, plus heap
// allocations per step once warm. Prints one JSON object (read by bench/run.mjs).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>

#include "support_env/protocol.h"
#include "support_env/scenario_loader.h"
#include "workload.h"

// Counts heap allocations, to show that reset and step allocate nothing once warm.
static long long g_allocations = 0;
void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

}  // namespace

int main(int argc, char** argv) {
  using namespace support_env;
  double min_seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  int episodes = 6000;

  ScenarioSet set;
  std::string error;
  if (!Scenarios_LoadEmbedded(&set, &error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  auto work = Workload_Make(set, episodes, 42);
  auto lines = Workload_ToLines(set, work);

  // C++ API.
  Episode ep;
  Episode_Init(&ep, &set);
  long long checksum = 0;
  long long steps = Workload_Play(work, &ep, &checksum);  // warm-up
  long long allocs_before = g_allocations;
  checksum = 0;
  Workload_Play(work, &ep, &checksum);
  double allocs_per_step = static_cast<double>(g_allocations - allocs_before) / static_cast<double>(steps);
  long long total_steps = 0;
  auto t0 = Clock::now();
  double elapsed = 0;
  while (elapsed < min_seconds) {
    total_steps += Workload_Play(work, &ep, &checksum);
    elapsed = Seconds(t0, Clock::now());
  }
  double api_rate = static_cast<double>(total_steps) / elapsed;

  // Scripted plays must really succeed, or the workload is not what it claims.
  int scripted = 0, scripted_success = 0;
  for (std::size_t i = 0; i < work.size(); i += 2) {
    long long dummy = 0;
    std::vector<ScriptedEpisode> one(work.begin() + static_cast<long>(i), work.begin() + static_cast<long>(i) + 1);
    Workload_Play(one, &ep, &dummy);
    ++scripted;
    scripted_success += ep.success ? 1 : 0;
  }

  // JSON protocol (request line in, response line out).
  Session session;
  Session_Init(&session, &set);
  long long step_lines = 0;
  std::size_t bytes = 0;
  for (const std::string& l : lines) bytes += Session_HandleLine(&session, l).size();  // warm-up
  for (const std::string& l : lines) step_lines += l.rfind("{\"op\":\"step\"", 0) == 0;
  long long total_json = 0;
  t0 = Clock::now();
  elapsed = 0;
  while (elapsed < min_seconds) {
    for (const std::string& l : lines) bytes += Session_HandleLine(&session, l).size();
    total_json += step_lines;
    elapsed = Seconds(t0, Clock::now());
  }
  double json_rate = static_cast<double>(total_json) / elapsed;

  std::printf(
      "{\"episodes\":%d,\"steps_per_pass\":%lld,\"cpp_api_steps_per_s\":%.0f,\"json_steps_per_s\":%.0f,"
      "\"allocations_per_step\":%.4f,\"scripted_success\":\"%d/%d\",\"checksum\":%lld,\"bytes\":%zu}\n",
      episodes, steps, api_rate, json_rate, allocs_per_step, scripted_success, scripted, checksum % 1000003, bytes);
  return 0;
}
