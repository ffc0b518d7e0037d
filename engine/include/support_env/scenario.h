// Mission and knowledge-base content, as loaded from scenarios/ (see
// scenarios/README.md for the file format). Plain data, no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "support_env/knowledge_base.h"
#include "support_env/types.h"

namespace support_env {

/// One wording of a mission; the seed picks it, grading never depends on it.
struct Variant {
  std::string customer_name;
  std::string ticket_id;       // mission ticket id plus suffix: "TKT-101-B"
  std::string subject;
  std::string ticket_text;     // the customer's first message
  std::string clarification;   // reply that reveals the real problem (vague tickets)
};

/// What the customer says in reply to the agent, by situation.
struct CustomerLines {
  std::string clarification;                      // fallback when a variant has none
  std::vector<std::string> unneeded_question;     // impatient replies; seed picks
  std::string leaves;
  std::string after_success;
  std::string after_failure;
};

/// A fix the terminal message must state: any one of the steps will do.
struct StatedFix {
  std::vector<StepSpec> any;
  std::string describe;   // "tell the customer to sign in again"
};

/// Conditions for the +0.90 terminal reward beyond the action and category.
struct Requirements {
  bool kb_article_retrieved = false;
  bool clarifying_question_asked = false;
  std::vector<StatedFix> must_state;      // every one must hold
  std::vector<int> must_not_state;        // indices into Lexicon::commitments
};

/// A ticket mission (mission.md §2.1).
struct Mission {
  std::string task_id;
  int order = 0;
  std::string title;
  Difficulty difficulty = Difficulty::Easy;
  std::string summary;
  Tier tier = Tier::Standard;
  Sentiment initial_sentiment = Sentiment::Neutral;
  int patience = 0;
  bool needs_clarification = false;
  Category correct_category = Category::Billing;
  ActionType correct_terminal = ActionType::ResolveTicket;
  std::vector<int> relevant_articles;   // indices into KnowledgeBase::articles
  Requirements requirements;
  CustomerLines customer;
  std::vector<Variant> variants;        // at least one; variant 0 is canonical
  std::string source;                   // file it came from, for messages
  /// StepKeys this ticket's own policy prescribes (its requirements, and the
  /// steps its relevant articles state), sorted: never another ticket's fix.
  std::vector<std::uint32_t> own_steps;
  /// Concepts the ticket names in any variant (sorted): what "it" may refer to.
  std::vector<ConceptId> ticket_concepts;
};

/// Everything an episode needs: missions (sorted by `order`), the KB and the
/// grader's lexicon.
struct ScenarioSet {
  std::vector<Mission> missions;
  KnowledgeBase kb;
  Lexicon lexicon;
  /// (StepKey, article index) of every article's fix step, sorted by key, so
  /// that grading looks a step up instead of scanning the articles.
  std::vector<std::pair<std::uint32_t, int>> fix_steps;
};

/// Index of the mission with this task id, or -1.
int ScenarioSet_FindMission(const ScenarioSet& set, std::string_view task_id);

}  // namespace support_env
