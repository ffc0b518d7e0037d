// The grader's vocabulary, loaded from scenarios/lexicon/*.json: concepts
// (named sets of synonymous terms), the grammar words that scope negation and
// modality (NegEx/ConText-style triggers, pseudo-triggers, terminators), and
// commitments the policy may forbid. Plain data plus a term index; no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace support_env {

/// Index of a concept in Lexicon::concepts; kNoConcept for "none".
using ConceptId = std::uint16_t;
constexpr ConceptId kNoConcept = 0xFFFF;

/// Grammar roles a term can play besides naming a concept. Each is a reserved
/// concept whose terms come from the lexicon's "grammar" section.
enum class GrammarRole : std::uint8_t {
  NegationBefore,   // "not", "can't", "unable to", "no need to", "rather than"
  NegationAfter,    // "won't help", "is not necessary", "is not possible"
  PseudoNegation,   // "no need to worry", "not only", "don't hesitate": not a negation
  Hedge,            // "if", "whether", "may", "might": not an assertion
  ClauseBreak,      // "but", "however": ends every scope, like a full stop
  AgentSubject,     // "we", "I", "our team": the support side does it
  Retraction,       // "ignore that", "scratch that": takes back everything said before it
  kCount
};
constexpr int kGrammarRoleCount = static_cast<int>(GrammarRole::kCount);

/// Who a fix step must be done by for it to count.
enum class Actor : std::uint8_t { Either, Customer };

/// A concept: the name used in scenario files and its display form.
struct Concept {
  std::string name;
  bool any_order = false;   // a state or place ("available", "billing history"): pairs on either side
};

/// One synonym of a concept, as word stems ("cleared" -> "clear").
struct LexiconTerm {
  std::vector<std::string> stems;
  ConceptId concept_id = kNoConcept;
};

/// An action applied to an object, optionally with a third concept in the
/// same clause ("refund" + "difference" + "original payment method").
struct StepSpec {
  ConceptId action = kNoConcept;
  ConceptId object = kNoConcept;   // kNoConcept: the action alone ("sign in again")
  ConceptId with = kNoConcept;
  Actor by = Actor::Either;
};

/// How a commitment pattern must be stated to count.
enum class Polarity : std::uint8_t {
  Asserted,   // said affirmatively, not negated, not hedged ("we will refund you")
  Negated,    // refused or denied ("we can't refund you", "it is non-refundable" is Asserted of its own concept)
};

/// One way of making a commitment: a step (action + object), or a bare
/// mention of a concept when `mention` is set (a noun reading is fine).
struct CommitmentPattern {
  StepSpec step;
  bool mention = false;
  Polarity polarity = Polarity::Asserted;
  ConceptId unless = kNoConcept;   // the clause also names this: not the commitment ("full price")
};

/// Something a policy can forbid a message to say (a refund promise).
struct Commitment {
  std::string name;
  std::string describe;   // "promises a refund"
  std::vector<CommitmentPattern> patterns;
};

/// The whole vocabulary. Built by the scenario loader; read-only afterwards.
struct Lexicon {
  std::vector<Concept> concepts;        // the first kGrammarRoleCount are the grammar roles
  std::vector<LexiconTerm> terms;
  std::vector<Commitment> commitments;
  /// Words skipped between a trigger (or subject) and the word it governs:
  /// auxiliaries, modals, pronouns, determiners, some adverbs.
  std::vector<std::string> skippable;
  /// Words before an action term that make it a noun ("a refund", "the update").
  std::vector<std::string> determiners;
  /// Words that make a clause a sentence rather than a list of words.
  std::vector<std::string> function_words;

  /// Object pronouns that stand for an object named earlier ("download it").
  std::vector<std::string> pronouns;

  // Derived by Lexicon_Index; do not edit by hand. Sorted by hash, so that a
  // lookup is a binary search and allocates nothing.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> term_index;   // hash of first stem -> term
  std::vector<std::pair<std::uint64_t, std::uint8_t>> word_classes;  // hash of stem -> WordClass bits
  std::vector<std::uint8_t> concept_is_action;                       // used as a step's action somewhere
};

/// Bits of Lexicon::word_classes.
enum WordClass : std::uint8_t { kSkippable = 1, kDeterminer = 2, kFunctionWord = 4, kPronoun = 8 };

/// 64-bit FNV-1a of a stem: the key of the lexicon's indexes.
std::uint64_t Lexicon_Hash(std::string_view stem);

/// WordClass bits of a stem (0 when it has none).
std::uint8_t Lexicon_WordClass(const Lexicon& lex, std::string_view stem);

/// Concept id of a grammar role.
inline ConceptId GrammarConcept(GrammarRole r) { return static_cast<ConceptId>(r); }

/// Adds the grammar roles' reserved concepts to an empty lexicon.
void Lexicon_Init(Lexicon* lex);

/// Id of the concept with this name, or kNoConcept.
ConceptId Lexicon_Find(const Lexicon& lex, std::string_view name);

/// Adds a concept and returns its id (the caller checks the name is new).
ConceptId Lexicon_AddConcept(Lexicon* lex, std::string_view name, bool any_order);

/// Adds a term ("browser cache") to a concept; false when it has no word.
bool Lexicon_AddTerm(Lexicon* lex, ConceptId concept_id, std::string_view raw);

/// Marks a concept as used for the action of a step (its clause-initial use
/// reads as an imperative).
void Lexicon_MarkAction(Lexicon* lex, ConceptId concept_id);

/// Builds the term index and word classes; call once after the last addition.
void Lexicon_Index(Lexicon* lex);

/// Key of an (action, object) pair, for indexes of fix steps.
inline std::uint32_t StepKey(ConceptId action, ConceptId object) {
  return (static_cast<std::uint32_t>(action) << 16) | object;
}

}  // namespace support_env
