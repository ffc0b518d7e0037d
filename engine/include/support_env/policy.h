// Built-in agents, shared by the command-line program, the WebAssembly module
// and the tests. A policy sees only what an observation shows (the ticket,
// the conversation, the last KB article found, the latest classification),
// never the mission, its task id or its hidden answers: PolicyView holds no
// pointer to them.
#pragma once

#include <cstdint>
#include <string>

#include "support_env/episode.h"
#include "support_env/stats.h"

namespace support_env {

enum class PolicyKind : std::uint8_t { Reference, Random };

/// "reference", "random".
const char* PolicyKind_Name(PolicyKind k);
bool PolicyKind_Parse(std::string_view s, PolicyKind* out);
/// "reference, random", for error messages.
const char* PolicyKind_AllowedList();

/// What an agent may look at: the observation's content, nothing else.
struct PolicyView {
  const ConversationLine* lines = nullptr;
  int line_count = 0;
  const KbArticle* kb_article = nullptr;   // last article found, or null
  bool classified = false;
  Category category = Category::Billing;
  int step_count = 0;
  std::string_view customer_name;
};

/// The view of an episode's current observation.
PolicyView PolicyView_Of(const Episode& ep);

/// An action chosen by a policy; `text` owns the field's text.
struct PolicyAction {
  Action action;        // action.text points into text
  std::string text;
};

/// Picks the next action. `seed` drives the random policy (the reference one
/// is deterministic); the same view and seed give the same action.
void Policy_Act(PolicyKind kind, const PolicyView& view, std::uint64_t seed, PolicyAction* out);

/// One episode a policy played, as evaluate reports it.
struct EpisodeResult {
  Cents score = 0;      // the episode's cumulative reward
  bool success = false;
  int steps = 0;
};

/// Resets *ep to (mission, seed), lets `kind` play it to the end and adds it to *stats.
EpisodeResult Policy_PlayEpisode(PolicyKind kind, Episode* ep, int mission, std::uint64_t seed, EpisodeStats* stats);

}  // namespace support_env
