// The golden transcript (tests/golden/transcript.txt), as the native tests
// read it: see tests/golden/transcript.mjs for the format.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "helpers.h"

namespace test {

constexpr const char* kRegenerate = "node tests/golden/update.mjs";

struct GoldenExchange {
  int line = 0;  // of the response
  std::string request, response;  // response: the full text, or empty when pinned by hash
  bool hashed = false;            // "= <hash> <bytes>" line: only its hash and length are recorded
  std::uint64_t hash = 0;
  std::size_t bytes = 0;
};

// FNV-1a 64 of the bytes, as transcript.mjs computes it (written here, not
// taken from the engine, so the check does not lean on the code under test).
inline std::uint64_t GoldenHash(const std::string& s) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// Whether `actual` is the recorded answer.
inline bool GoldenMatches(const GoldenExchange& e, const std::string& actual) {
  if (!e.hashed) return actual == e.response;
  return actual.size() == e.bytes && GoldenHash(actual) == e.hash;
}

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
    } else if (line.rfind("= ", 0) == 0) {
      REQUIRE_FALSE(t.exchanges.empty());
      REQUIRE(t.exchanges.back().line == 0);
      GoldenExchange& e = t.exchanges.back();
      e.line = n;
      e.hashed = true;
      std::istringstream fields(line.substr(2));
      std::string hex;
      fields >> hex >> e.bytes;
      REQUIRE(hex.size() == 16u);
      e.hash = std::stoull(hex, nullptr, 16);
    } else {
      FAIL("tests/golden/transcript.txt line " << n << ": not a comment, @ line, request or response");
    }
  }
  return t;
}

// The message for a response that differs from the recording.
inline std::string GoldenMismatch(const GoldenExchange& e, const std::string& actual, const std::string& where) {
  if (e.hashed) {
    std::ostringstream s;
    s << where << ": behaviour changed: tests/golden/transcript.txt line " << e.line << " differs.\n  request  "
      << e.request.substr(0, 300) << "\nrecorded by hash (" << e.bytes << " bytes); the answer now is " << actual.size()
      << " bytes: " << actual.substr(0, 300) << "…\n(the same script for seed 0, recorded in full, usually shows what "
      << "changed)\nIf the change is deliberate, bump the environment version (SUPPORT_ENV_VERSION in "
      << "engine/include/support_env/version.h), rebuild, and regenerate with: " << kRegenerate;
    return s.str();
  }
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
