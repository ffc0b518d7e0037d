// Edge: turns scenario JSON files into a validated ScenarioSet. The loader
// itself does no I/O; Scenarios_ReadDirectory is the only function that reads.
#pragma once

#include <string>
#include <vector>

#include "support_env/scenario.h"

namespace support_env {

/// A scenario file: its name relative to the scenarios folder
/// ("missions/01_billing_receipt.json", "kb/articles.json") and its text.
struct SourceFile {
  std::string name;
  std::string text;
};

/// Parses and validates the files (missions/*.json and kb/*.json; others are
/// ignored) into `out`. On failure returns false and sets `error` to
/// "<file>: <JSON path>: <problem>", e.g. "missions/x.json: $.variants[0].subject:
/// expected a non-empty string". Never throws, whatever the input.
bool Scenarios_Load(const std::vector<SourceFile>& files, ScenarioSet* out, std::string* error);

/// The scenarios compiled into the engine (the repository's scenarios/ folder).
const std::vector<SourceFile>& Scenarios_Embedded();

/// Loads the embedded scenarios; they are validated at build time by the tests.
bool Scenarios_LoadEmbedded(ScenarioSet* out, std::string* error);

/// Reads every missions/*.json and kb/*.json below `dir`. Not available in
/// the WebAssembly build, which has no file system.
bool Scenarios_ReadDirectory(const std::string& dir, std::vector<SourceFile>* files, std::string* error);

}  // namespace support_env
