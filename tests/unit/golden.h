// The golden transcript (tests/golden/transcript.txt), as the native tests
// read it: see tests/golden/transcript.mjs for the format.
#pragma once

#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "helpers.h"

namespace test {

constexpr const char* kRegenerate = "node tests/golden/update.mjs";

struct GoldenExchange {
  int line = 0;  // of the response
  std::string request, response;
};

struct Golden {
  std::string version;
  std::vector<std::pair<std::string, std::vector<int>>> variants;
  std::vector<GoldenExchange> exchanges;
};

inline Golden LoadGolden() {
  Golden t;
  std::istringstream in(ReadFile(SUPPORT_ENV_GOLDEN));
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("@env_version ", 0) == 0) {
      t.version = line.substr(13);
    } else if (line.rfind("@variants ", 0) == 0) {
      std::istringstream fields(line.substr(10));
      std::pair<std::string, std::vector<int>> row;
      fields >> row.first;
      for (int v; fields >> v;) row.second.push_back(v);
      t.variants.push_back(row);
    } else if (line.rfind("> ", 0) == 0) {
      t.exchanges.push_back({0, line.substr(2), {}});
    } else if (line.rfind("< ", 0) == 0) {
      REQUIRE_FALSE(t.exchanges.empty());
      REQUIRE(t.exchanges.back().line == 0);
      t.exchanges.back().line = n;
      t.exchanges.back().response = line.substr(2);
    } else {
      FAIL("tests/golden/transcript.txt line " << n << ": not a comment, @ line, request or response");
    }
  }
  return t;
}

// The message for a response that differs from the recording.
inline std::string GoldenMismatch(const GoldenExchange& e, const std::string& actual, const std::string& where) {
  const std::string& expected = e.response;
  std::size_t i = 0;
  while (i < expected.size() && i < actual.size() && expected[i] == actual[i]) ++i;
  std::size_t from = i > 80 ? i - 80 : 0;
  std::ostringstream s;
  s << where << ": behaviour changed: tests/golden/transcript.txt line " << e.line << " differs.\n  request  "
    << e.request.substr(0, 300) << "\nfirst difference at character " << i + 1 << ":\n  expected …"
    << expected.substr(from, i - from + 120) << "…\n  actual   …" << actual.substr(from, i - from + 120)
    << "…\nIf the change is deliberate, bump the environment version (SUPPORT_ENV_VERSION in "
    << "engine/include/support_env/version.h), rebuild, and regenerate with: " << kRegenerate;
  return s.str();
}

}  // namespace test
