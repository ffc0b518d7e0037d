// The WebAssembly benchmark module (build/wasm/bench/support-env-bench.{mjs,wasm}):
// the native benchmark's loops (bench/workload.h) compiled to WebAssembly, for
// bench/run.mjs. Built by the `wasm` preset beside the site's module, never
// copied to dist/: the site does not ship it.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include <string>

#include "support_env/protocol.h"
#include "support_env/scenario_loader.h"
#include "workload.h"

namespace {

using namespace support_env;

class Bench {
 public:
  Bench() { loaded_ = Scenarios_LoadEmbedded(&scenarios_, &error_); }

  /// Empty when the built-in scenarios loaded, else why not.
  std::string error() const { return error_; }

  /// The workload as protocol request lines, one per line, so that Node
  /// drives the JS API with exactly the requests the native benchmark uses.
  std::string workloadLines(int episodes, int seed) {
    std::string out;
    if (!loaded_) return out;
    for (const std::string& l : Workload_ToLines(scenarios_, Workload_Make(scenarios_, episodes, static_cast<std::uint64_t>(seed)))) {
      out += l;
      out += '\n';
    }
    return out;
  }

  /// Steps per second of the C++ API inside WebAssembly, on the same workload
  /// as the native benchmark, for at least `min_seconds`.
  double cppApi(int episodes, int seed, double min_seconds) {
    if (!loaded_) return 0;
    auto work = Workload_Make(scenarios_, episodes, static_cast<std::uint64_t>(seed));
    Episode ep;
    Episode_Init(&ep, &scenarios_);
    long long checksum = 0, steps = 0;
    Workload_Play(work, &ep, &checksum);  // warm-up
    double start = emscripten_get_now(), elapsed = 0;
    while (elapsed < min_seconds * 1000.0) {
      steps += Workload_Play(work, &ep, &checksum);
      elapsed = emscripten_get_now() - start;
    }
    return static_cast<double>(steps) / (elapsed / 1000.0);
  }

  /// Steps per second of the JSON-lines protocol inside WebAssembly
  /// (Session_HandleLine on the workload's lines, no JS in the loop): the same
  /// measurement as the native benchmark's JSON row, for at least `min_seconds`.
  double jsonProtocol(int episodes, int seed, double min_seconds) {
    if (!loaded_) return 0;
    const auto lines = Workload_ToLines(scenarios_, Workload_Make(scenarios_, episodes, static_cast<std::uint64_t>(seed)));
    Session session;
    Session_Init(&session, &scenarios_);
    long long step_lines = 0, total = 0;
    std::size_t bytes = 0;
    for (const std::string& l : lines) bytes += Session_HandleLine(&session, l).size();  // warm-up
    for (const std::string& l : lines) step_lines += l.rfind("{\"op\":\"step\"", 0) == 0;
    double start = emscripten_get_now(), elapsed = 0;
    while (elapsed < min_seconds * 1000.0) {
      for (const std::string& l : lines) bytes += Session_HandleLine(&session, l).size();
      total += step_lines;
      elapsed = emscripten_get_now() - start;
    }
    return bytes == 0 ? 0 : static_cast<double>(total) / (elapsed / 1000.0);
  }

 private:
  ScenarioSet scenarios_;
  std::string error_;
  bool loaded_ = false;
};

}  // namespace

EMSCRIPTEN_BINDINGS(support_env_bench) {
  emscripten::class_<Bench>("Bench")
      .constructor<>()
      .function("error", &Bench::error)
      .function("workloadLines", &Bench::workloadLines)
      .function("cppApi", &Bench::cppApi)
      .function("jsonProtocol", &Bench::jsonProtocol);
}
