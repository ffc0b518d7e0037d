// Scale benchmark: loads a generated knowledge base of N articles (default
// 60,000) with one mission, and prints how long Scenarios_Load takes (the
// duplicate-id check used to make it quadratic) and what a terminal step costs
// with that knowledge base beside the same step with a 12-article one (grading
// looks other articles' fix steps up by key, so its cost must not grow with
// the knowledge base). Prints one JSON object.
//   build/native/support-env-bench-loader [articles] [rounds]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "support_env/episode.h"
#include "support_env/scenario_loader.h"

namespace {

using Clock = std::chrono::steady_clock;
double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// Concept pairs the generated articles' fix steps cycle through, so the step
// index holds many keys, some of which the message below states.
const char* const kSteps[][2] = {{"clear", "browser_cache"}, {"clear", "cookies"}, {"update", "app_latest"},
                                 {"regenerate", "api_key"},   {"use", "reset_link"}, {"retry", "payment"},
                                 {"update_payment", "payment_method"}, {"use", "backup_code"}};

// kb/articles.json with `n` distinct articles (KB-000000 …), each with a
// little text, keywords and a fix step, so the index build has real work too.
std::string GeneratedKb(int n) {
  std::string s = "{\"articles\":[";
  char id[32];
  for (int i = 0; i < n; ++i) {
    std::snprintf(id, sizeof id, "KB-%06d", i);
    const auto& step = kSteps[i % (sizeof kSteps / sizeof kSteps[0])];
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
    s += "\"],\"fix\":[{\"action\":\"";
    s += step[0];
    s += "\",\"object\":\"";
    s += step[1];
    s += "\"}]}";
  }
  s += "]}";
  return s;
}

const char* kMission = R"({"task_id":"bench","order":1,"title":"Bench","difficulty":"Easy","summary":"A mission for the scale benchmark.",
"ticket_id":"TKT-900","customer_tier":"Standard","initial_sentiment":"Neutral","patience":1,"needs_clarification":false,
"correct_category":"Technical","correct_terminal_action":"resolve_ticket","relevant_articles":["KB-000000"],
"requirements":{"kb_article_retrieved":false,"clarifying_question_asked":false,
 "must_state":[{"describe":"tell the customer to clear the browser cache","any":[{"action":"clear","object":"browser_cache"}]}],
 "must_not_state":["refund_promise"]},
"customer":{"unneeded_question_replies":["I already said."],"leaves":"Bye.","after_success":"Thanks.","after_failure":"No."},
"variants":[{"customer_name":"Ada","ticket_suffix":"","subject":"Widget","ticket_text":"My widget is stuck."}]})";

// A natural resolution of about `bytes` bytes: the fix, then reassurance.
std::string Message(std::size_t bytes) {
  std::string m = "Thanks for your patience. Please clear your browser cache and cookies for our site, then sign in again. ";
  const char* more = "If the page still looks wrong afterwards, close every tab, wait a minute and try again; nothing in "
                     "your account is lost, and we are here if you need anything else. ";
  while (m.size() + std::char_traits<char>::length(more) < bytes) m += more;
  return m;
}

// Nanoseconds per terminal step (reset + resolve, minus reset alone) for `message`.
double TerminalNanos(const support_env::ScenarioSet& set, int mission, const std::string& message, int rounds) {
  using namespace support_env;
  Episode ep;
  Episode_Init(&ep, &set);
  Action resolve;
  resolve.type = ActionType::ResolveTicket;
  resolve.text = message;
  const int n = 2000;
  double best = 1e300;
  for (int r = 0; r < rounds + 1; ++r) {   // round 0 warms up
    auto t0 = Clock::now();
    for (int i = 0; i < n; ++i) {
      Episode_Reset(&ep, mission, static_cast<std::uint64_t>(i));
      Episode_Step(&ep, resolve);
    }
    auto t1 = Clock::now();
    for (int i = 0; i < n; ++i) Episode_Reset(&ep, mission, static_cast<std::uint64_t>(i));
    auto t2 = Clock::now();
    double ns = (Seconds(t0, t1) - Seconds(t1, t2)) * 1e9 / n;
    if (r > 0 && ns < best) best = ns;
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace support_env;
  const int articles = argc > 1 ? std::atoi(argv[1]) : 60000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 1;
  std::vector<SourceFile> files = {{"kb/articles.json", GeneratedKb(articles)}, {"missions/bench.json", kMission}};
  std::vector<SourceFile> small = {{"kb/articles.json", GeneratedKb(12)}, {"missions/bench.json", kMission}};
  // The same KB with one duplicate id at the very end: the loader must refuse it.
  std::vector<SourceFile> dup = files;
  dup[0].text.insert(dup[0].text.size() - 2,
                     ",{\"id\":\"KB-000000\",\"title\":\"Again\",\"text\":\"Again.\",\"keywords\":[],\"fix\":[]}");

  double best = 1e300, best_dup = 1e300;
  ScenarioSet set, small_set;
  for (int r = 0; r < rounds; ++r) {
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
  std::string error;
  if (!Scenarios_Load(small, &small_set, &error)) {
    std::fprintf(stderr, "bench_loader: the small pack did not load: %s\n", error.c_str());
    return 1;
  }
  // The message states its own fix and, in passing, steps of other articles:
  // "clear ... cookies" is KB-000001's fix, so every lookup path is exercised.
  std::string short_message = Message(200), long_message = Message(2000);
  double small_short = TerminalNanos(small_set, 0, short_message, 5), big_short = TerminalNanos(set, 0, short_message, 5);
  double small_long = TerminalNanos(small_set, 0, long_message, 5), big_long = TerminalNanos(set, 0, long_message, 5);
  std::printf("{\"articles\":%d,\"kb_bytes\":%zu,\"load_seconds\":%.3f,\"load_with_duplicate_seconds\":%.3f,"
              "\"terminal_ns\":{\"message_bytes\":[%zu,%zu],\"kb_12\":[%.0f,%.0f],\"kb_%d\":[%.0f,%.0f]}}\n",
              articles, files[0].text.size(), best, best_dup, short_message.size(), long_message.size(), small_short,
              small_long, articles, big_short, big_long);
  return 0;
}
