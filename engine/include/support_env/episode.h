// One support-ticket episode: reset picks a mission variant, step applies an
// action, grades it and moves the customer. Reset and step allocate nothing
// once the buffers are warm (strings keep their capacity between episodes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "support_env/grader.h"
#include "support_env/scenario.h"

namespace support_env {

/// An action as the core sees it; text is search_query or message_to_customer.
struct Action {
  ActionType type = ActionType::ClassifyIssue;
  Category category = Category::Billing;   // classify_issue only
  std::string_view text;                    // borrowed for the duration of the step
};

/// A line of the conversation.
struct ConversationLine {
  Role role = Role::System;
  std::string text;
};

/// Result of one step. `reason` stays valid until the next step or reset.
struct StepResult {
  bool accepted = false;   // false: no episode running (not reset, or over); nothing changed
  bool valid = false;      // false: invalid action (it still consumed a step)
  Cents reward = 0;
  bool done = false;
  std::string_view reason;
};

/// One line of a terminal step's checklist: a requirement and whether it held.
/// `requirement` points into the scenario set or a literal; it stays valid
/// while the scenario set lives.
struct Check {
  std::string_view requirement;
  bool met = false;
};

/// Most checklist lines: the action, the category, the article, the question,
/// every stated fix, and three message checks.
constexpr int kMaxChecks = 7 + static_cast<int>(kMaxStatedFixes);

/// Upper bound of conversation lines: the ticket, then at most three per step.
constexpr int kMaxConversationLines = 1 + 3 * kMaxSteps;

/// Episode state. Read it freely; change it only through the functions below.
struct Episode {
  const ScenarioSet* scenarios = nullptr;
  const Mission* mission = nullptr;   // null until the first reset
  int mission_index = -1;
  int variant_index = 0;
  std::uint64_t seed = 0;
  std::uint64_t rng = 0;

  int step_count = 0;
  bool done = false;
  Outcome outcome = Outcome::None;
  bool success = false;
  Sentiment sentiment = Sentiment::Neutral;

  bool classified = false;
  Category category = Category::Billing;   // latest classification
  Cents search_reward = 0;                  // search shaping earned so far (cap 5)
  bool relevant_article_retrieved = false;
  int questions_asked = 0;
  bool clarified = false;
  int kb_result = -1;                       // last article found, or -1

  Cents cumulative = 0;
  Cents rewards[kMaxSteps] = {};
  int reward_count = 0;

  ConversationLine lines[kMaxConversationLines];
  int line_count = 0;

  int invalid_actions = 0;                  // invalid actions this episode (each cost a step)
  bool has_error = false;                   // the last action was invalid
  std::string last_error;
  std::string reason;                       // reason of the last step
  Check checks[kMaxChecks];                 // the last step's checklist (terminal steps only)
  int check_count = 0;
  GraderScratch grader;                     // grader work buffers
  std::string failures;                     // what the last terminal message failed
};

/// Binds the episode to a scenario set (which must outlive it).
void Episode_Init(Episode* ep, const ScenarioSet* scenarios);

/// Starts `mission_index` with the variant `seed` picks (seed 0: canonical).
/// Returns false, leaving the episode as it was, when the index is out of range.
bool Episode_Reset(Episode* ep, int mission_index, std::uint64_t seed);

/// Applies an action. Bad text (empty where required, over kMaxTextBytes,
/// invalid UTF-8) makes it an invalid action: 0.00 and a step consumed.
StepResult Episode_Step(Episode* ep, const Action& action);

/// Records an action the caller could not decode (unknown type, missing
/// field…): 0.00, a step consumed, `error` shown as last_action_error.
StepResult Episode_StepInvalid(Episode* ep, std::string_view error);

/// Questions the customer will still answer before leaving (0 once done or out of patience).
int Episode_QuestionsLeft(const Episode& ep);

/// Variant index `seed` selects among `variant_count` (seed 0 → 0).
int Episode_VariantForSeed(std::uint64_t seed, int variant_count);

}  // namespace support_env
