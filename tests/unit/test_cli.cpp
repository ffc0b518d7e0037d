// The support-env command-line program end to end, through a pipe (§3.1).
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>

#include "golden.h"
#include "helpers.h"

using namespace test;
namespace fs = std::filesystem;

namespace {

// A temporary directory removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() /
           ("support_env_tests_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string File(const std::string& name, const std::string& content) const {
    fs::path p = path / name;
    std::FILE* f = std::fopen(p.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fwrite(content.data(), 1, content.size(), f);
    std::fclose(f);
    return p.string();
  }
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
  std::vector<std::string> lines;  // stdout split on '\n' (the last, empty piece dropped)
};

// Runs the CLI with `args`, feeding `input` on stdin.
Run RunCli(const std::string& args, const std::string& input) {
  TempDir dir;
  std::string in = dir.File("in.txt", input);
  std::string err = (dir.path / "err.txt").string();
  std::string cmd = Quote(SUPPORT_ENV_CLI) + " " + args + " < " + Quote(in) + " 2> " + Quote(err);
  Run run;
  std::FILE* pipe = ::popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) run.out.append(buf, n);
  int status = ::pclose(pipe);
  REQUIRE(WIFEXITED(status));
  run.exit_code = WEXITSTATUS(status);
  run.err = ReadFile(err);
  std::size_t start = 0;
  for (std::size_t i = 0; i < run.out.size(); ++i) {
    if (run.out[i] == '\n') {
      run.lines.push_back(run.out.substr(start, i - start));
      start = i + 1;
    }
  }
  if (start < run.out.size()) run.lines.push_back(run.out.substr(start));
  return run;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += l + "\n";
  return s;
}

json Parse(const std::string& line) {
  json j = json::parse(line, nullptr, false);
  INFO(line);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

// A copy of the repository's scenarios/ folder.
void CopyScenarios(const fs::path& to) {
  fs::copy(SUPPORT_ENV_SCENARIOS, to, fs::copy_options::recursive);
}

}  // namespace

TEST_CASE("cli: --help exits 0 and prints the usage", "[cli]") {
  Run r = RunCli("--help", "");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("usage: support-env") != std::string::npos);
  CHECK(r.out.find("--scenarios DIR") != std::string::npos);
  // Every op the engine serves (as its unknown-op error lists them) has an example.
  Run ops = RunCli("", "{\"op\":\"?\"}\n");
  const std::string list = Parse(ops.out)["error"].get<std::string>();
  const std::string marker = "ops are: ";
  REQUIRE(list.find(marker) != std::string::npos);
  std::size_t count = 0;
  for (std::size_t at = list.find(marker) + marker.size(); at < list.size();) {
    std::size_t end = std::min(list.find(", ", at), list.size());
    const std::string op = list.substr(at, end - at);
    INFO(op);
    CHECK(r.out.find("{\"op\":\"" + op + "\"") != std::string::npos);
    ++count;
    at = end + 2;
  }
  CHECK(count == 9);
  Run h = RunCli("-h", "");
  CHECK(h.exit_code == 0);
  CHECK(h.out == r.out);
}

TEST_CASE("cli: an unknown argument exits non-zero", "[cli]") {
  Run r = RunCli("--bogus", "{\"op\":\"tasks\"}\n");
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("unknown argument '--bogus'") != std::string::npos);
  CHECK(r.out.empty());
}

TEST_CASE("cli: one response per request line and garbage does not stop it", "[cli]") {
  std::vector<std::string> requests = {
      R"({"op":"tasks"})",
      "garbage",
      "",
      R"({"op":"step","action":{"action_type":"classify_issue","category_guess":"Billing"}})",  // before reset
      std::string("\xFF\xFE\x00\x01", 4),
      R"({"op":"reset","task":"billing_receipt","seed":0})",
      "{\"op\":\"fly\"}",
      R"({"op":"step","action":{"action_type":"classify_issue","category_guess":"Billing"}})",
      R"({"op":"step","action":{"action_type":"teleport"}})",
      std::string(100000, '['),
      R"({"op":"state"})",
  };
  Run r = RunCli("", Join(requests));
  CHECK(r.exit_code == 0);
  REQUIRE(r.lines.size() == requests.size());
  std::vector<bool> ok = {true, false, false, false, false, true, false, true, true, false, true};
  for (std::size_t i = 0; i < requests.size(); ++i) {
    INFO("request " << i << " -> " << r.lines[i].substr(0, 300));
    json j = Parse(r.lines[i]);
    CHECK(j["ok"] == ok[i]);
    if (!ok[i]) CHECK(j["error"].is_string());
  }
  json step = Parse(r.lines[7]);
  CHECK(step["reward"] == 0.03);
  json invalid = Parse(r.lines[8]);
  CHECK(invalid["observation"]["last_action_error"].get<std::string>().find("teleport") != std::string::npos);
  json st = Parse(r.lines[10]);
  CHECK(st["state"]["step_count"] == 2);
  CHECK(st["state"]["task_id"] == "billing_receipt");
}

TEST_CASE("cli: CRLF line endings and a missing final newline are accepted", "[cli]") {
  Run r = RunCli("", "{\"op\":\"tasks\"}\r\n{\"op\":\"reset\",\"task\":\"vip_outage\"}");
  CHECK(r.exit_code == 0);
  REQUIRE(r.lines.size() == 2);
  CHECK(Parse(r.lines[0])["ok"] == true);
  CHECK(Parse(r.lines[1])["observation"]["task_id"] == "vip_outage");
  CHECK(r.out.back() == '\n');
}

TEST_CASE("cli: all six missions are playable to success", "[cli]") {
  std::vector<std::string> requests;
  for (const Script& s : Scripts()) {
    requests.push_back(json{{"op", "reset"}, {"task", s.task}, {"seed", 0}}.dump());
    if (s.ask) {
      requests.push_back(json{{"op", "step"}, {"action", {{"action_type", "ask_clarifying_question"}, {"message_to_customer", "What is broken?"}}}}.dump());
    }
    requests.push_back(json{{"op", "step"}, {"action", {{"action_type", "classify_issue"}, {"category_guess", std::string(WireName(s.category))}}}}.dump());
    requests.push_back(json{{"op", "step"}, {"action", {{"action_type", "search_kb"}, {"search_query", s.query}}}}.dump());
    requests.push_back(json{{"op", "step"}, {"action", {{"action_type", std::string(WireName(s.terminal))}, {"message_to_customer", s.message}}}}.dump());
  }
  Run r = RunCli("", Join(requests));
  CHECK(r.exit_code == 0);
  REQUIRE(r.lines.size() == requests.size());
  int successes = 0;
  for (const std::string& line : r.lines) {
    json j = Parse(line);
    REQUIRE(j["ok"] == true);
    if (j.contains("done") && j["done"] == true) {
      CHECK(ToCents(j["reward"]) == 90);
      CHECK(j["observation"]["success"] == true);
      ++successes;
    }
  }
  CHECK(successes == 6);
}

TEST_CASE("cli: responses are byte-identical to Session_HandleLine", "[cli]") {
  std::vector<std::string> requests = {R"({"op":"tasks"})", R"({"op":"spec"})"};
  for (const std::string& task : TaskIds()) {
    for (std::uint64_t seed : {0ull, 1ull, 2ull, 3ull}) {
      requests.push_back(json{{"op", "reset"}, {"task", task}, {"seed", seed}}.dump());
      requests.push_back(R"({"op":"step","action":{"action_type":"ask_clarifying_question","message_to_customer":"More detail?"}})");
      requests.push_back(R"({"op":"step","action":{"action_type":"search_kb","search_query":"refund"}})");
      requests.push_back(R"({"op":"step","action":{"action_type":"classify_issue","category_guess":"Refund_Request"}})");
      requests.push_back(R"({"op":"state"})");
      requests.push_back(R"({"op":"step","action":{"action_type":"escalate_to_human","message_to_customer":"To a specialist."}})");
    }
  }
  Run r = RunCli("", Join(requests));
  REQUIRE(r.lines.size() == requests.size());
  Client c;
  std::uint64_t cli_hash = kFnvBasis, lib_hash = kFnvBasis;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    std::string expected = c.Raw(requests[i]);
    CHECK(r.lines[i] == expected);
    cli_hash = Fnv1a(cli_hash, r.lines[i]);
    lib_hash = Fnv1a(lib_hash, expected);
  }
  CHECK(cli_hash == lib_hash);
}

TEST_CASE("cli: --scenarios with a copy of scenarios/ works", "[cli]") {
  TempDir dir;
  fs::path copy = dir.path / "scenarios";
  CopyScenarios(copy);
  std::string input = "{\"op\":\"tasks\"}\n{\"op\":\"reset\",\"task\":\"digital_refund\",\"seed\":0}\n";
  Run mine = RunCli("--scenarios " + Quote(copy.string()), input);
  Run builtin = RunCli("", input);
  CHECK(mine.exit_code == 0);
  CHECK(mine.err.empty());
  REQUIRE(mine.lines.size() == 2);
  CHECK(mine.out == builtin.out);
  CHECK(Parse(mine.lines[0])["tasks"].size() == 6);
}

TEST_CASE("cli: --scenarios picks up a new mission file", "[cli]") {
  TempDir dir;
  fs::path copy = dir.path / "scenarios";
  CopyScenarios(copy);
  json m = json::parse(ReadFile((copy / "missions" / "01_billing_receipt.json").string()));
  m["task_id"] = "billing_receipt_copy";
  m["order"] = 7;
  m["title"] = "Billing Receipt Copy";
  std::FILE* f = std::fopen((copy / "missions" / "07_billing_receipt_copy.json").c_str(), "wb");
  REQUIRE(f != nullptr);
  std::string text = m.dump(2);
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
  Run r = RunCli("--scenarios " + Quote(copy.string()),
                 "{\"op\":\"tasks\"}\n{\"op\":\"reset\",\"task\":\"billing_receipt_copy\"}\n");
  CHECK(r.exit_code == 0);
  REQUIRE(r.lines.size() == 2);
  json tasks = Parse(r.lines[0])["tasks"];
  REQUIRE(tasks.size() == 7);
  CHECK(tasks[6]["id"] == "billing_receipt_copy");
  CHECK(Parse(r.lines[1])["observation"]["task_id"] == "billing_receipt_copy");
}

TEST_CASE("cli: --scenarios with a broken mission file exits non-zero naming the file and JSON path", "[cli]") {
  TempDir dir;
  fs::path copy = dir.path / "scenarios";
  CopyScenarios(copy);
  fs::path file = copy / "missions" / "02_dashboard_404.json";
  json m = json::parse(ReadFile(file.string()));
  m["variants"][1]["ticket_text"] = "";
  std::FILE* f = std::fopen(file.c_str(), "wb");
  REQUIRE(f != nullptr);
  std::string text = m.dump(2);
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
  Run r = RunCli("--scenarios " + Quote(copy.string()), "{\"op\":\"tasks\"}\n");
  CHECK(r.exit_code != 0);
  CHECK(r.out.empty());
  INFO("stderr: " << r.err);
  CHECK(r.err.find("missions/02_dashboard_404.json: $.variants[1].ticket_text: expected a non-empty string") !=
        std::string::npos);
}

TEST_CASE("cli: --scenarios with invalid JSON or a missing folder exits non-zero", "[cli]") {
  TempDir dir;
  fs::path copy = dir.path / "scenarios";
  CopyScenarios(copy);
  dir.File("scenarios/kb/articles.json", "{\"articles\": [");
  Run r = RunCli("--scenarios " + Quote(copy.string()), "{\"op\":\"tasks\"}\n");
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("kb/articles.json: $: not valid JSON") != std::string::npos);

  Run missing = RunCli("--scenarios " + Quote((dir.path / "nowhere").string()), "{\"op\":\"tasks\"}\n");
  CHECK(missing.exit_code != 0);
  CHECK(missing.err.find("nowhere") != std::string::npos);
  CHECK(missing.err.find("not a directory") != std::string::npos);
}

TEST_CASE("cli: empty input exits 0 with no output", "[cli]") {
  Run r = RunCli("", "");
  CHECK(r.exit_code == 0);
  CHECK(r.out.empty());
}

TEST_CASE("cli: the command-line program answers the golden transcript as recorded", "[cli][golden]") {
  Golden golden = LoadGolden();
  std::vector<std::string> requests;
  for (const GoldenExchange& e : golden.exchanges) requests.push_back(e.request);
  Run run = RunCli("", Join(requests));
  CHECK(run.exit_code == 0);
  REQUIRE(run.lines.size() == requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (GoldenMatches(golden.exchanges[i], run.lines[i])) continue;
    FAIL(GoldenMismatch(golden.exchanges[i], run.lines[i], "command-line program"));
  }
}
