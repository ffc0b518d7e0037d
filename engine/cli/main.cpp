// support-env: the JSON-lines protocol on stdin/stdout (mission.md §3.1).
#include <stdio.h>  // getline

#include <cstdio>
#include <cstring>
#include <string>

#include "support_env/protocol.h"
#include "support_env/scenario_loader.h"

namespace {

const char kUsage[] =
    "usage: support-env [--scenarios DIR]\n"
    "Reads one JSON request per line on stdin and writes one JSON response per line.\n"
    "Requests (every field and answer: the README's protocol table):\n"
    "  {\"op\":\"tasks\"}                                     the missions\n"
    "  {\"op\":\"spec\"}                                      actions, categories, limits, version\n"
    "  {\"op\":\"reset\",\"task\":\"billing_receipt\",\"seed\":0}   start an episode\n"
    "  {\"op\":\"step\",\"action\":{...}}                       take an action, e.g.\n"
    "      {\"op\":\"step\",\"action\":{\"action_type\":\"classify_issue\",\"category_guess\":\"Billing\"}}\n"
    "  {\"op\":\"state\"}                                     the episode so far\n"
    "  {\"op\":\"act\",\"policy\":\"reference\"}                  a built-in policy's next action (not taken)\n"
    "  {\"op\":\"evaluate\",\"policy\":\"random\",\"seeds\":20}     whole episodes; \"stats\":true adds the figures\n"
    "  {\"op\":\"stats\"}                                     this session's finished episodes; \"clear\":true empties\n"
    "  {\"op\":\"load_scenarios\",\"files\":[...]}              play a pack, files {\"name\",\"text\"}; \"builtin\":true goes back\n"
    "Options:\n"
    "  --scenarios DIR                                    play the pack in DIR (missions/, kb/, lexicon/)\n"
    "                                                     instead of the built-in missions\n";

// Reads one line (without its newline) of any length, NUL bytes included;
// false at end of input.
bool ReadLine(std::FILE* in, std::string* line) {
  static char* buf = nullptr;
  static std::size_t cap = 0;
  ssize_t n = getline(&buf, &cap, in);
  if (n < 0) return false;
  std::size_t len = static_cast<std::size_t>(n);
  if (len > 0 && buf[len - 1] == '\n') --len;
  if (len > 0 && buf[len - 1] == '\r') --len;
  line->assign(buf, len);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace support_env;
  std::string dir;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--scenarios") == 0 && i + 1 < argc) {
      dir = argv[++i];
    } else if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      std::fprintf(stderr, "support-env: unknown argument '%s'\n%s", argv[i], kUsage);
      return 2;
    }
  }

  ScenarioSet scenarios;
  std::string error;
  bool loaded = false;
  if (dir.empty()) {
    loaded = Scenarios_LoadEmbedded(&scenarios, &error);
  } else {
    std::vector<SourceFile> files;
    loaded = Scenarios_ReadDirectory(dir, &files, &error) && Scenarios_Load(files, &scenarios, &error);
    // Loader errors name a file inside the folder ("missions/x.json: …") or none at all.
    if (!loaded && error.rfind(dir, 0) != 0) {
      bool names_file = error.rfind("missions/", 0) == 0 || error.rfind("kb/", 0) == 0;
      error = dir + (names_file ? "/" : ": ") + error;
    }
  }
  if (!loaded) {
    std::fprintf(stderr, "support-env: %s\n", error.c_str());
    return 1;
  }

  Session session;
  Session_Init(&session, &scenarios);
  std::string line;
  while (ReadLine(stdin, &line)) {
    const std::string& response = Session_HandleLine(&session, line);
    std::fwrite(response.data(), 1, response.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);  // drivers wait for each answer before they send the next request
  }
  return 0;
}
