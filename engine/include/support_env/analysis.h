// The text analyser: splits canonical text into tokens, clauses and scope
// segments, finds the lexicon's concepts in it, and reads each mention's
// polarity the way NegEx/ConText do: a negation or hedge trigger governs the
// words after it up to the end of its scope (a comma, a clause boundary, "but").
// Buffers keep their capacity between calls, so analysis allocates nothing once warm.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "support_env/lexicon.h"

namespace support_env {

/// A word of the text: its bytes, its stem, and where it sits.
struct AnalysisToken {
  std::uint32_t begin = 0, end = 0;         // byte range in the analysed text
  std::uint32_t stem_begin = 0;             // offset in TextAnalysis::stems
  std::uint8_t stem_size = 0;
  bool participle = false;                  // "cleared", "sent": may follow its object
  std::uint16_t clause = 0;                 // sentences, list items, "but" split clauses
  std::uint16_t segment = 0;                // clauses further split at commas: scope of triggers
  bool covered = false;                     // part of a concept mention (not grammar)
  std::uint8_t boundary = 0;                // before this token: 0 none, 1 comma-like, 2 clause break
  bool list_start = false;                  // first word of a numbered or bulleted line
  bool quoted = false;                      // inside a quotation of six words or more
  bool after_comma = false;                 // a comma precedes it (list items: "cache, cookies, ...")
  std::uint8_t roles = 0;                   // TokenRole bits from grammar mentions
};

/// Bits of AnalysisToken::roles.
enum TokenRole : std::uint8_t {
  kEndsNegationBefore = 1,   // last word of a NegationBefore trigger
  kStartsNegationAfter = 2,  // first word of a NegationAfter trigger
  kInHedge = 4,              // a word of a Hedge trigger
  kEndsAgentSubject = 8,     // last word of an AgentSubject ("we", "our team")
  kRetracted = 16,           // taken back by a Retraction ("... actually, ignore that")
};

/// One occurrence of a concept: tokens [first, last].
struct Mention {
  ConceptId concept_id = kNoConcept;
  std::uint16_t first = 0, last = 0;
  bool noun = false;             // a determiner precedes it: "a refund", "the update"
  bool negated_before = false;   // a negation trigger governs it: "do not clear", "unable to refund"
  bool hedged = false;           // a hedge governs it: "if you clear", "whether a refund"
  bool agent = false;            // the support side does it: "we will refund", "I've cleared"
  bool quoted = false;           // inside a quotation: reported, not asserted
};

/// Per-clause facts.
struct AnalysisClause {
  std::uint32_t begin = 0, end = 0;   // byte range, for quoting
  std::uint16_t words = 0;
  bool sentence = false;              // reads as a sentence, not a list of words
  bool list_item = false;             // starts a numbered or bulleted line
};

/// The analysis of one text. Reuse one across calls.
struct TextAnalysis {
  std::string_view text;
  std::string stems;
  std::vector<AnalysisToken> tokens;
  std::vector<Mention> mentions;        // sorted by first token
  std::vector<AnalysisClause> clauses;
  std::vector<std::uint8_t> mention_start;   // per token: a concept mention starts here
  bool keyword_dump = false;            // a long run of concept words with no sentence
  bool repeated_word = false;           // one word three times in a row
};

/// Analyses `text` (canonical, see Text_Canonicalize). `text` must outlive `out`.
void Analysis_Run(const Lexicon& lex, std::string_view text, TextAnalysis* out);

/// True when a NegationAfter trigger follows token `last` closely in its segment
/// ("clearing the cache won't help", "a refund is not possible").
bool Analysis_NegatedAfter(const TextAnalysis& a, int last);

/// True when some mention of `concept_id` lies in `clause` and is not negated.
bool Analysis_ClauseHas(const TextAnalysis& a, ConceptId concept_id, int clause);

/// Up to `max_bytes` of the clause's text, cut at a word boundary.
std::string_view Analysis_Quote(const TextAnalysis& a, int clause, std::size_t max_bytes);

}  // namespace support_env
