// Scenario-loader benchmark: loads a generated knowledge base of N articles
// (default 60,000) plus one mission and prints how long Scenarios_Load takes,
// with the duplicate-id check's share measured apart. Prints one JSON object.
//   build/native/support-env-bench-loader [articles] [rounds]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "support_env/scenario_loader.h"

namespace {

using Clock = std::chrono::steady_clock;
double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// kb/articles.json with `n` distinct articles (KB-000000 …), each with a
// little text, keywords and a fix, so the index build has real work too.
std::string GeneratedKb(int n) {
  std::string s = "{\"articles\":[";
  char id[32];
  for (int i = 0; i < n; ++i) {
    std::snprintf(id, sizeof id, "KB-%06d", i);
    if (i) s += ',';
    s += "{\"id\":\"";
    s += id;
    s += "\",\"title\":\"Article ";
    s += id;
    s += " about topic ";
    s += std::to_string(i % 997);
    s += "\",\"text\":\"Policy text number ";
    s += std::to_string(i);
    s += ": restart the widget ";
    s += std::to_string(i % 131);
    s += " and clear the cache.\",\"keywords\":[\"widget";
    s += std::to_string(i % 131);
    s += "\",\"topic";
    s += std::to_string(i % 997);
    s += "\"],\"fix\":[[\"restart the widget\"]]}";
  }
  s += "]}";
  return s;
}

const char* kMission = R"({"task_id":"bench","order":1,"title":"Bench","difficulty":"Easy","summary":"A mission for the loader benchmark.",
"ticket_id":"TKT-900","customer_tier":"Standard","initial_sentiment":"Neutral","patience":1,"needs_clarification":false,
"correct_category":"Technical","correct_terminal_action":"resolve_ticket","relevant_articles":["KB-000000"],
"requirements":{"kb_article_retrieved":true,"clarifying_question_asked":false,"message_must_state":[["restart the widget"]],"message_must_not_state":[]},
"customer":{"unneeded_question_replies":["I already said."],"leaves":"Bye.","after_success":"Thanks.","after_failure":"No."},
"variants":[{"customer_name":"Ada","ticket_suffix":"","subject":"Widget","ticket_text":"My widget is stuck."}]})";

}  // namespace

int main(int argc, char** argv) {
  using namespace support_env;
  const int articles = argc > 1 ? std::atoi(argv[1]) : 60000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 1;
  std::vector<SourceFile> files = {{"kb/articles.json", GeneratedKb(articles)}, {"missions/bench.json", kMission}};
  // The same KB with one duplicate id at the very end: the loader must refuse it.
  std::vector<SourceFile> dup = files;
  dup[0].text.insert(dup[0].text.size() - 2,
                     ",{\"id\":\"KB-000000\",\"title\":\"Again\",\"text\":\"Again.\",\"keywords\":[],\"fix\":[[\"again\"]]}");

  double best = 1e300, best_dup = 1e300;
  for (int r = 0; r < rounds; ++r) {
    ScenarioSet set;
    std::string error;
    auto t0 = Clock::now();
    bool ok = Scenarios_Load(files, &set, &error);
    auto t1 = Clock::now();
    if (!ok || set.kb.articles.size() != static_cast<std::size_t>(articles)) {
      std::fprintf(stderr, "bench_loader: the generated pack did not load: %s\n", error.c_str());
      return 1;
    }
    ScenarioSet rejected;
    std::string dup_error;
    auto t2 = Clock::now();
    bool dup_ok = Scenarios_Load(dup, &rejected, &dup_error);
    auto t3 = Clock::now();
    if (dup_ok || dup_error.find("duplicate article id \"KB-000000\"") == std::string::npos) {
      std::fprintf(stderr, "bench_loader: the duplicate id was not reported: %s\n", dup_error.c_str());
      return 1;
    }
    if (Seconds(t0, t1) < best) best = Seconds(t0, t1);
    if (Seconds(t2, t3) < best_dup) best_dup = Seconds(t2, t3);
  }
  std::printf("{\"articles\":%d,\"kb_bytes\":%zu,\"load_seconds\":%.3f,\"load_with_duplicate_seconds\":%.3f}\n",
              articles, files[0].text.size(), best, best_dup);
  return 0;
}
