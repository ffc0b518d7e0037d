#include "support_env/grader.h"

#include <algorithm>

#include "support_env/canonical.h"
#include "support_env/text.h"

namespace support_env {
namespace {

// How far an object may sit from its action in one clause, in words: after it
// ("clear your browser cache, cookies and site data"), or before a participle
// ("your refund request has been approved").
constexpr int kObjectAfter = 8;
constexpr int kObjectBefore = 10;
// A pronoun standing for an object named earlier ("download it") follows closely.
constexpr int kPronounAfter = 3;
// Longest quotation of the message in a reason.
constexpr std::size_t kQuoteBytes = 100;

int ClauseOf(const TextAnalysis& a, const Mention& m) { return a.tokens[m.first].clause; }

bool IsPronoun(const Lexicon& lex, const TextAnalysis& a, int t) {
  const AnalysisToken& tok = a.tokens[static_cast<std::size_t>(t)];
  return !tok.covered && (Lexicon_WordClass(lex, std::string_view(a.stems).substr(tok.stem_begin, tok.stem_size)) & kPronoun);
}

// Words between an action and its object: skippable words ("your", "the",
// "and"), other concepts ("cache and cookies"), and at most one other word
// ("your browser's cache"); a preposition ends the phrase ("download the PDF
// from the app" does not download the app). State and place concepts
// ("available", "in Billing History") reach a little further, across prepositions.
constexpr int kGapWords = 1;
constexpr int kGapWordsAnyOrder = 3;

bool GapFits(const Lexicon& lex, const TextAnalysis& a, int from, int to, bool any_order, int allowed) {
  // Stems, as the tokens carry them ("before" -> "befor").
  static constexpr std::string_view kBlockers[] = {"from", "in", "on", "at", "via", "through", "about", "under",
                                                   "insid", "within", "by", "for", "after", "befor"};
  auto stem_at = [&](int t) {
    const AnalysisToken& tok = a.tokens[static_cast<std::size_t>(t)];
    return std::string_view(a.stems).substr(tok.stem_begin, tok.stem_size);
  };
  int other = 0;
  for (int t = from; t < to; ++t) {
    const AnalysisToken& tok = a.tokens[static_cast<std::size_t>(t)];
    // "they have been downloaded, so I cannot process a refund": a negation
    // between the two words belongs to another verb.
    if (tok.roles & (kEndsNegationBefore | kStartsNegationAfter)) return false;
    if (tok.covered) continue;
    std::string_view stem = stem_at(t);
    // "change your plan from yearly to monthly": "from ... to" names the change itself.
    bool from_to = false;
    for (int k = t + 1; stem == "from" && k < to && !from_to; ++k) from_to = stem_at(k) == "to";
    if (from_to) continue;
    if (!any_order &&
        std::find(std::begin(kBlockers), std::end(kBlockers), stem) != std::end(kBlockers)) {
      return false;
    }
    if (Lexicon_WordClass(lex, stem) & kSkippable) continue;
    if (++other > allowed) return false;
  }
  return true;
}

// Is the participle (or state word) `act` preceded by its object `obj`?
bool ObjectBefore(const Lexicon& lex, const TextAnalysis& a, const Mention& act, const Mention& obj) {
  if (obj.last >= act.first || act.first - obj.last > kObjectBefore) return false;
  bool any_order = lex.concepts[act.concept_id].any_order;
  if (!any_order && !a.tokens[act.first].participle) return false;
  // A passive ("the difference between the two prices is being refunded")
  // lets its subject carry a few modifiers.
  bool passive = false;
  if (act.first > 0) {
    const AnalysisToken& prev = a.tokens[act.first - 1u];
    std::string_view be = std::string_view(a.stems).substr(prev.stem_begin, prev.stem_size);
    passive = be == "be" || be == "been" || be == "being" || be == "is" || be == "are" || be == "wa" ||
              be == "was" || be == "were";
  }
  int allowed = any_order || passive ? kGapWordsAnyOrder : kGapWords;
  return GapFits(lex, a, obj.last + 1, act.first, any_order || passive, allowed);
}

bool ObjectAfter(const Lexicon& lex, const TextAnalysis& a, const Mention& act, const Mention& obj) {
  // A phrase of several words may name action and object at once ("sign out everywhere").
  if (obj.first == act.first && obj.last == act.last) return obj.last > obj.first;
  if (obj.first <= act.last || obj.first - act.last > kObjectAfter) return false;
  // "regenerate and the key": a conjunction right after the verb starts another
  // phrase, it does not introduce the verb's object.
  const AnalysisToken& next = a.tokens[act.last + 1u];
  std::string_view n = std::string_view(a.stems).substr(next.stem_begin, next.stem_size);
  if (!next.covered && (n == "and" || n == "or")) return false;
  bool any_order = lex.concepts[act.concept_id].any_order;
  return GapFits(lex, a, act.last + 1, obj.first, any_order, any_order ? kGapWordsAnyOrder : kGapWords);
}

// Finds the object of the action mention `act` in its clause; writes the last
// token of the phrase to *end. A negated object ("not your cache") does not count.
bool FindObject(const Lexicon& lex, const TextAnalysis& a, const Mention& act, ConceptId object, bool pronouns,
                const std::vector<ConceptId>* context, int* end) {
  int clause = ClauseOf(a, act);
  for (const Mention& o : a.mentions) {
    if (o.concept_id != object || ClauseOf(a, o) != clause || o.negated_before || o.quoted) continue;
    if (ObjectAfter(lex, a, act, o) || ObjectBefore(lex, a, act, o)) {
      *end = std::max<int>(act.last, o.last);
      return true;
    }
  }
  // "Open Billing History and download it": a pronoun for an object named earlier.
  for (int t = act.last + 1; pronouns && t < static_cast<int>(a.tokens.size()) && t <= act.last + kPronounAfter; ++t) {
    if (a.tokens[static_cast<std::size_t>(t)].clause != clause) break;
    if (!IsPronoun(lex, a, t)) continue;
    for (const Mention& o : a.mentions) {
      if (o.concept_id == object && o.last < act.first && !o.negated_before) {
        *end = t;
        return true;
      }
    }
    // ... or one the customer named in the ticket ("Grab it from Billing History").
    if (context != nullptr && std::binary_search(context->begin(), context->end(), object)) {
      *end = t;
      return true;
    }
  }
  return false;
}

// How a step is stated at one action mention: not at all, affirmatively, or
// negated. Hedges ("if", "whether") are reported apart: they do not stop an
// instruction ("if it still crashes, reinstall") but do stop a promise.
enum class Stated : std::uint8_t { No, Affirmed, Negated };

Stated StepAt(const Lexicon& lex, const TextAnalysis& a, const Mention& act, const StepSpec& step, bool noun_ok,
              bool for_fix, const std::vector<ConceptId>* context, int* end) {
  if (act.concept_id != step.action || act.quoted) return Stated::No;
  int last = act.last;
  // A commitment needs its object named: "if you can't see it" refuses nothing.
  if (step.object != kNoConcept && !FindObject(lex, a, act, step.object, !noun_ok && for_fix, context, &last)) {
    return Stated::No;
  }
  // A noun reading ("a refund", "the update") is no action, unless the words
  // name action and object at once: click the "Sign out everywhere" button.
  bool label = step.object != kNoConcept && last == act.last;
  if (act.noun && !noun_ok && !label && !lex.concepts[act.concept_id].any_order) return Stated::No;
  if (step.with != kNoConcept && !Analysis_ClauseHas(a, step.with, ClauseOf(a, act))) return Stated::No;
  *end = last;
  return act.negated_before || Analysis_NegatedAfter(a, last) ? Stated::Negated : Stated::Affirmed;
}

// Returns the clause of the first place the commitment is made, or -1.
int FindCommitment(const Lexicon& lex, const TextAnalysis& a, const Commitment& c) {
  for (const CommitmentPattern& p : c.patterns) {
    for (const Mention& m : a.mentions) {
      int end = 0;
      Stated s = StepAt(lex, a, m, p.step, p.mention, false, nullptr, &end);
      if (s == Stated::No) continue;
      // A hedge ("if you can't find it") neither asserts nor refuses.
      bool counts = !m.hedged && (p.polarity == Polarity::Negated ? s == Stated::Negated : s == Stated::Affirmed);
      if (!counts) continue;
      int clause = ClauseOf(a, m);
      if (p.unless != kNoConcept && Analysis_ClauseHas(a, p.unless, clause)) continue;
      return clause;
    }
  }
  return -1;
}

bool Owned(const Mission& m, std::uint32_t key) {
  return std::binary_search(m.own_steps.begin(), m.own_steps.end(), key);
}

// Returns the article whose fix step the mention asserts although this
// ticket's policy does not prescribe it, or -1; writes the clause to *clause.
int ForeignStepAt(const ScenarioSet& set, const Mission& mission, const TextAnalysis& a, const Mention& act,
                  int* clause) {
  const Lexicon& lex = set.lexicon;
  if (act.concept_id < kGrammarRoleCount || act.negated_before || act.quoted) return -1;
  if (act.noun && !lex.concepts[act.concept_id].any_order) return -1;
  *clause = ClauseOf(a, act);
  if (!a.clauses[static_cast<std::size_t>(*clause)].sentence) return -1;
  auto lookup = [&](ConceptId object, int end) {
    std::uint32_t key = StepKey(act.concept_id, object);
    auto it = std::lower_bound(set.fix_steps.begin(), set.fix_steps.end(), std::make_pair(key, -1));
    if (it == set.fix_steps.end() || it->first != key || Owned(mission, key)) return -1;
    return Analysis_NegatedAfter(a, end) ? -1 : it->second;
  };
  int article = lookup(kNoConcept, act.last);
  for (const Mention& o : a.mentions) {
    if (article >= 0) break;
    if (o.concept_id < kGrammarRoleCount || o.negated_before || ClauseOf(a, o) != *clause) continue;
    if (ObjectAfter(lex, a, act, o) || ObjectBefore(lex, a, act, o)) article = lookup(o.concept_id, std::max(act.last, o.last));
  }
  return article;
}

void AppendFailure(std::string* failures, std::string_view what) {
  if (!failures->empty()) failures->append("; ");
  failures->append(what.data(), what.size());
}


}  // namespace

bool Grader_StatesStep(const Lexicon& lex, const TextAnalysis& a, const StepSpec& step,
                       const std::vector<ConceptId>* context) {
  for (const Mention& m : a.mentions) {
    int end = 0;
    if (StepAt(lex, a, m, step, false, true, context, &end) != Stated::Affirmed) continue;
    if (!a.clauses[static_cast<std::size_t>(ClauseOf(a, m))].sentence) continue;
    if (step.by == Actor::Customer && m.agent) continue;   // "our engineers will clear the cache"
    // A place or state ("your receipt, from Billing History") is the customer's
    // way only when nobody else in the clause does the fetching: "our
    // accounting team will download your receipt from Billing History".
    if (step.by == Actor::Customer && lex.concepts[m.concept_id].any_order) {
      int clause = ClauseOf(a, m);
      bool someone_else = std::any_of(a.mentions.begin(), a.mentions.end(), [&](const Mention& o) {
        return o.agent && ClauseOf(a, o) == clause && o.concept_id < lex.concept_is_action.size() &&
               lex.concept_is_action[o.concept_id];
      });
      if (someone_else) continue;
    }
    return true;
  }
  return false;
}

void Grader_AssertedSteps(const Lexicon& lex, const TextAnalysis& a, std::vector<std::uint32_t>* keys) {
  for (const Mention& act : a.mentions) {
    if (act.concept_id < kGrammarRoleCount || act.negated_before) continue;
    if (act.concept_id >= lex.concept_is_action.size() || !lex.concept_is_action[act.concept_id]) continue;
    keys->push_back(StepKey(act.concept_id, kNoConcept));
    for (const Mention& o : a.mentions) {
      if (o.concept_id >= kGrammarRoleCount && ClauseOf(a, o) == ClauseOf(a, act) &&
          (ObjectAfter(lex, a, act, o) || ObjectBefore(lex, a, act, o))) {
        keys->push_back(StepKey(act.concept_id, o.concept_id));
      }
    }
  }
}

bool Grader_CheckMessage(const ScenarioSet& set, const Mission& mission, std::string_view message,
                         GraderScratch* scratch, std::string* failures, GraderChecks* checks) {
  const Requirements& req = mission.requirements;
  const std::size_t before = failures->size();
  GraderChecks local;
  GraderChecks& out = checks != nullptr ? *checks : local;
  out = GraderChecks{};
  if (Text_IsBlank(message)) {
    if (!req.must_state.empty()) {
      out.plain_sentences = false;
      AppendFailure(failures, "the message is empty");
    }
    return failures->size() == before;
  }
  Text_Canonicalize(message, &scratch->canonical);
  if (Text_HasMarkup(scratch->canonical)) {
    out.plain_sentences = false;
    AppendFailure(failures, "the message contains HTML/XML markup (a tag or a comment): a customer reads plain text");
  }
  const Lexicon& lex = set.lexicon;
  TextAnalysis& a = scratch->analysis;
  Analysis_Run(lex, scratch->canonical, &a);

  for (int index : req.must_not_state) {
    const Commitment& commitment = lex.commitments[static_cast<std::size_t>(index)];
    int clause = FindCommitment(lex, a, commitment);
    if (clause < 0) continue;
    out.nothing_forbidden = false;
    AppendFailure(failures, "the message ");
    failures->append(commitment.describe);
    failures->append(": '").append(Analysis_Quote(a, clause, kQuoteBytes)).append("'");
  }
  if (req.must_state.empty()) return failures->size() == before;   // a free-form note

  if (a.keyword_dump || a.repeated_word) {
    out.plain_sentences = false;
    AppendFailure(failures, a.repeated_word ? "the message repeats words to stuff keywords"
                                            : "the message is a list of words, not sentences to the customer");
  }
  for (std::size_t i = 0; i < req.must_state.size(); ++i) {
    const StatedFix& fix = req.must_state[i];
    bool stated = std::any_of(fix.any.begin(), fix.any.end(),
                              [&](const StepSpec& step) { return Grader_StatesStep(lex, a, step, &mission.ticket_concepts); });
    if (stated) {
      out.fixes_stated |= 1u << i;
    } else {
      AppendFailure(failures, "the message does not ");
      failures->append(fix.describe);
    }
  }
  for (const Mention& m : a.mentions) {
    int clause = 0;
    int article = ForeignStepAt(set, mission, a, m, &clause);
    if (article < 0) continue;
    out.answers_ticket = false;
    const KbArticle& art = set.kb.articles[static_cast<std::size_t>(article)];
    AppendFailure(failures, "the message prescribes the fix of another problem (");
    failures->append(art.id).append(", \"").append(art.title).append("\"), so it does not answer this ticket: '");
    failures->append(Analysis_Quote(a, clause, kQuoteBytes)).append("'");
    break;
  }
  return failures->size() == before;
}

}  // namespace support_env
