// Judges a terminal message against the mission's policy by what it means:
// does it assert each required fix step (an action on an object, said
// affirmatively, to or for the customer), assert nothing the policy forbids,
// answer this ticket rather than others, and read as sentences in plain text?
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "support_env/analysis.h"
#include "support_env/scenario.h"

namespace support_env {

/// Work buffers of the grader; they keep their capacity between calls, so
/// grading allocates nothing once warm.
struct GraderScratch {
  std::string canonical;
  TextAnalysis analysis;
};

/// Which message requirements held, for a checklist (see Episode::checks).
struct GraderChecks {
  std::uint32_t fixes_stated = 0;   // bit i: requirements.must_state[i] is stated
  bool nothing_forbidden = true;    // no commitment of must_not_state is made
  bool answers_ticket = true;       // no other article's fix step
  bool plain_sentences = true;      // no markup, no keyword list or repeated words
};

/// Most fixes a mission may require (a bit each in GraderChecks::fixes_stated).
constexpr std::size_t kMaxStatedFixes = 32;

/// Checks `message` for `mission`. Returns true when it is sound; otherwise
/// appends to `failures` what failed, in words a person can act on, joined by
/// "; " ("the message does not tell the customer to sign in again"). `checks`
/// (may be null) receives which requirement held.
bool Grader_CheckMessage(const ScenarioSet& set, const Mission& mission, std::string_view message,
                         GraderScratch* scratch, std::string* failures, GraderChecks* checks = nullptr);

/// True when `text` (canonical) asserts `step` as a fix: the action, not
/// negated, applied to the object in one clause that reads as a sentence.
/// `context` (sorted, may be null): concepts the ticket named, which a pronoun
/// may stand for ("download it").
bool Grader_StatesStep(const Lexicon& lex, const TextAnalysis& text, const StepSpec& step,
                       const std::vector<ConceptId>* context = nullptr);

/// Appends the StepKey of every (action, object) pair and (action, none) that
/// `text` asserts, for every action concept of the lexicon. Used at load time
/// to learn which steps a mission's own articles prescribe.
void Grader_AssertedSteps(const Lexicon& lex, const TextAnalysis& text, std::vector<std::uint32_t>* keys);

}  // namespace support_env
