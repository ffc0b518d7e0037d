#include "support_env/analysis.h"

#include <algorithm>

#include "support_env/text.h"

namespace support_env {
namespace {

// How far triggers reach (in words), as in NegEx's window: a negation governs a
// word only through auxiliaries and pronouns ("not able to issue"), a trailing
// trigger must follow the phrase closely ("clearing the cache won't help").
constexpr int kMaxSkipped = 6;
// A subject reaches further, across a coordinated verb phrase ("our developers
// will update the app to the latest version and reinstall it").
constexpr int kMaxSkippedSubject = 14;
constexpr int kNegationAfterReach = 3;
// Words of a conditional between commas that still governs the next phrase.
constexpr int kShortConditional = 4;
// Clauses before a retraction that it takes back, besides its own.
constexpr int kRetractedClauses = 2;
// A clause that is no sentence and names this many concepts is a keyword dump.
constexpr int kDumpWords = 6;
constexpr int kDumpMentions = 4;

bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }

bool IsParticiple(std::string_view w) {
  static constexpr std::string_view kIrregular[] = {"sent", "paid", "done", "made", "given", "put", "set",
                                                    "kept", "held", "gone", "reset", "shown", "known", "taken"};
  if (w.size() > 3 && (w.substr(w.size() - 2) == "ed" || w.substr(w.size() - 2) == "en")) return true;
  return std::find(std::begin(kIrregular), std::end(kIrregular), w) != std::end(kIrregular);
}

std::string_view StemOf(const TextAnalysis& a, const AnalysisToken& t) {
  return std::string_view(a.stems).substr(t.stem_begin, t.stem_size);
}

bool IsArticle(std::string_view stem) {
  return stem == "a" || stem == "an" || stem == "the" || stem == "your" || stem == "our" || stem == "my" ||
         stem == "their" || stem == "this" || stem == "that";
}

// A quoted span of six words or more is a quotation (the customer's words, a
// policy quoted): nothing in it is asserted. Short quotes name things
// (click "Sign out everywhere", tick "Cookies and Site Data") and stay part of the sentence.
constexpr std::size_t kQuotationWords = 6;

void MarkQuotation(TextAnalysis* a, std::size_t first) {
  if (a->tokens.size() - first < kQuotationWords) return;
  for (std::size_t t = first; t < a->tokens.size(); ++t) a->tokens[t].quoted = true;
}

// Splits the text into words, recording the punctuation before each: a
// clause break (. ! ? ; : newline, list markers) or a comma-like pause.
void Tokenize(std::string_view s, TextAnalysis* a) {
  a->tokens.clear();
  a->stems.clear();
  std::uint8_t pending = 2;       // the first word starts a clause
  bool line_start = true, pending_list = false, in_list_item = false;
  bool quote_open = false, pending_comma = false;
  std::size_t quote_first = 0;
  std::size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (IsWordByte(c)) {
      // A line that starts with "1." / "2)" is a numbered item: the number is a marker.
      if (line_start && IsDigit(c)) {
        std::size_t j = i;
        while (j < n && IsDigit(static_cast<unsigned char>(s[j]))) ++j;
        if (j < n && (s[j] == '.' || s[j] == ')') && (j + 1 >= n || s[j + 1] == ' ' || s[j + 1] == '\t')) {
          pending = 2;
          pending_list = in_list_item = true;
          line_start = false;
          i = j + 1;
          continue;
        }
      }
      line_start = false;
      std::size_t b = i;
      char lower[64];
      std::size_t len = 0;
      while (i < n && IsWordByte(static_cast<unsigned char>(s[i]))) {
        char ch = s[i];
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
        if (len < sizeof lower) lower[len++] = ch;
        ++i;
      }
      AnalysisToken t;
      t.begin = static_cast<std::uint32_t>(b);
      t.end = static_cast<std::uint32_t>(i);
      char stem_buf[64];
      std::string_view stem = Text_Stem(std::string_view(lower, len), stem_buf, sizeof stem_buf);
      t.stem_begin = static_cast<std::uint32_t>(a->stems.size());
      t.stem_size = static_cast<std::uint8_t>(stem.size());
      a->stems.append(stem.data(), stem.size());
      t.participle = IsParticiple(std::string_view(lower, len));
      t.boundary = pending;
      t.list_start = pending_list;
      t.after_comma = pending_comma;
      pending = 0;
      pending_list = pending_comma = false;
      a->tokens.push_back(t);
      continue;
    }
    bool between_words = i > 0 && i + 1 < n && IsWordByte(static_cast<unsigned char>(s[i - 1])) &&
                         IsWordByte(static_cast<unsigned char>(s[i + 1]));
    switch (c) {
      case '\n':
        pending = 2;
        line_start = true;
        in_list_item = false;
        break;
      case '.':
        if (!between_words) pending = 2;   // "5.2", "example.com" stay inside a clause
        line_start = false;
        break;
      case ':':
        // "10:30" stays inside a clause; in a list item "Refund: the difference"
        // labels what follows, so it is only a pause.
        if (!between_words) pending = std::max<std::uint8_t>(pending, in_list_item ? 1 : 2);
        line_start = false;
        break;
      case '!': case '?': case ';':
        pending = 2;
        line_start = false;
        break;
      case '"':
        quote_open = !quote_open;
        if (quote_open) quote_first = a->tokens.size();
        else MarkQuotation(a, quote_first);
        line_start = false;
        break;
      case ',':
        if (pending < 1) pending = 1;
        pending_comma = true;
        line_start = false;
        break;
      case '(': case ')': case '[': case ']': case '{': case '}': case '|':
        if (pending < 1) pending = 1;
        line_start = false;
        break;
      case '-': case '*': case '+':
        if (line_start) {   // a bullet
          pending = 2;
          pending_list = in_list_item = true;
          line_start = false;
        } else if (!between_words && pending < 1) {
          pending = 1;      // " - " is a pause; "sign-in" is one phrase
        }
        break;
      case ' ': case '\t': case '\r': case '>': case '#':
        break;              // "#" opens markdown headings; ">" separates menu paths
      default:
        line_start = false;
        break;
    }
    ++i;
  }
}

void FindMentions(const Lexicon& lex, TextAnalysis* a) {
  a->mentions.clear();
  const int n = static_cast<int>(a->tokens.size());
  for (int i = 0; i < n; ++i) {
    std::string_view stem = StemOf(*a, a->tokens[static_cast<std::size_t>(i)]);
    std::uint64_t h = Lexicon_Hash(stem);
    auto it = std::lower_bound(lex.term_index.begin(), lex.term_index.end(), std::make_pair(h, std::uint32_t{0}));
    for (; it != lex.term_index.end() && it->first == h; ++it) {
      const LexiconTerm& term = lex.terms[it->second];
      int k = static_cast<int>(term.stems.size());
      if (i + k > n) continue;
      bool match = true;
      for (int w = 0; w < k && match; ++w) {
        match = StemOf(*a, a->tokens[static_cast<std::size_t>(i + w)]) == term.stems[static_cast<std::size_t>(w)];
      }
      if (!match) continue;
      Mention m;
      m.concept_id = term.concept_id;
      m.first = static_cast<std::uint16_t>(i);
      m.last = static_cast<std::uint16_t>(i + k - 1);
      a->mentions.push_back(m);
    }
  }
  // Longest match wins: a mention inside a longer one ("reset" in "password
  // reset link", "not" in "no need to worry") is dropped. Equal spans of
  // different concepts are all kept.
  auto& ms = a->mentions;
  std::sort(ms.begin(), ms.end(), [](const Mention& x, const Mention& y) {
    if (x.first != y.first) return x.first < y.first;
    if (x.last != y.last) return x.last > y.last;
    return x.concept_id < y.concept_id;
  });
  std::size_t kept = 0;
  int cover_last = -1;   // furthest end of kept mentions with another span
  for (std::size_t g = 0; g < ms.size();) {
    std::size_t e = g;
    while (e < ms.size() && ms[e].first == ms[g].first && ms[e].last == ms[g].last) ++e;
    bool dup = false;
    if (cover_last < ms[g].last) {
      for (std::size_t k = g; k < e; ++k) {
        dup = k > g && ms[k].concept_id == ms[k - 1].concept_id;
        if (!dup) ms[kept++] = ms[k];
      }
      cover_last = std::max<int>(cover_last, ms[g].last);
    }
    g = e;
  }
  ms.resize(kept);
}

void MarkRoles(TextAnalysis* a) {
  bool retractions_pending = false;
  for (const Mention& m : a->mentions) {
    auto& first = a->tokens[m.first];
    auto& last = a->tokens[m.last];
    if (m.concept_id >= kGrammarRoleCount) {
      for (int t = m.first; t <= m.last; ++t) a->tokens[static_cast<std::size_t>(t)].covered = true;
      continue;
    }
    switch (static_cast<GrammarRole>(m.concept_id)) {
      case GrammarRole::NegationBefore: last.roles |= kEndsNegationBefore; break;
      case GrammarRole::NegationAfter: first.roles |= kStartsNegationAfter; break;
      case GrammarRole::Hedge:
        for (int t = m.first; t <= m.last; ++t) a->tokens[static_cast<std::size_t>(t)].roles |= kInHedge;
        break;
      case GrammarRole::AgentSubject: last.roles |= kEndsAgentSubject; break;
      case GrammarRole::ClauseBreak:
        first.boundary = 2;
        if (m.last + 1u < a->tokens.size()) a->tokens[m.last + 1u].boundary = 2;
        break;
      case GrammarRole::Retraction:
        retractions_pending = true;   // scoped below, once clauses are numbered
        break;
      case GrammarRole::PseudoNegation:
      case GrammarRole::kCount: break;
    }
  }
  std::uint16_t clause = 0, segment = 0;
  for (std::size_t t = 0; t < a->tokens.size(); ++t) {
    AnalysisToken& tok = a->tokens[t];
    if (t > 0 && tok.boundary == 2) { ++clause; ++segment; }
    else if (t > 0 && tok.boundary == 1) ++segment;
    tok.clause = clause;
    tok.segment = segment;
  }
  // "... actually, ignore that", "but in your case they won't work": a
  // retraction takes back what its clause and the two before it said.
  if (!retractions_pending) return;
  for (const Mention& m : a->mentions) {
    if (m.concept_id != GrammarConcept(GrammarRole::Retraction)) continue;
    int first_clause = std::max(0, a->tokens[m.first].clause - kRetractedClauses);
    for (int t = m.first - 1; t >= 0 && a->tokens[static_cast<std::size_t>(t)].clause >= first_clause; --t) {
      a->tokens[static_cast<std::size_t>(t)].roles |= kRetracted;
    }
  }
}

// Walks back from `from` over skippable words of the same segment: returns
// the index of the first word that is not skippable, or -1.
// With `through_coordination`, a coordinated phrase is passed too ("do not
// uninstall or reinstall", "not allowed to promise or issue a refund"): after
// "and"/"or", concept words and one other word (the first verb) are crossed.
template <typename Stop>
bool WalkBack(const Lexicon& lex, const TextAnalysis& a, int from, bool through_coordination, int reach, Stop&& stop) {
  int seg = a.tokens[static_cast<std::size_t>(from)].segment;
  bool after_conjunction = false;
  int coordinated_words = 0;
  for (int j = from - 1, skipped = 0; j >= 0 && skipped <= reach; --j, ++skipped) {
    const AnalysisToken& t = a.tokens[static_cast<std::size_t>(j)];
    if (t.segment != seg) return false;
    int verdict = stop(j, t);   // 1: found, -1: stop, 0: go on if skippable
    if (verdict != 0) return verdict > 0;
    std::string_view stem = StemOf(a, t);
    if (stem == "and" || stem == "or" || stem == "nor") {
      after_conjunction = through_coordination;
      continue;
    }
    if (t.covered) {
      if (!after_conjunction) return false;
      continue;
    }
    if (Lexicon_WordClass(lex, stem) & kSkippable) continue;
    if (!after_conjunction || ++coordinated_words > 1) return false;
  }
  return false;
}

void ReadPolarity(const Lexicon& lex, TextAnalysis* a) {
  for (Mention& m : a->mentions) {
    if (m.concept_id < kGrammarRoleCount) continue;
    const AnalysisToken& first = a->tokens[m.first];
    // A word reads as a verb after an auxiliary, pronoun or "to" ("we'll
    // refund", "to clear"), as a participle ("refunded"), or at the start of a
    // clause when an object or the clause's end follows ("Clear your cache",
    // "Sign in."); otherwise it is a noun ("digital refunds", "refund decisions").
    bool clause_start = m.first == 0 || a->tokens[m.first - 1u].segment != first.segment;
    bool verb = first.participle;
    if (!clause_start) {
      const AnalysisToken& prev = a->tokens[m.first - 1u];
      // "click Sign out everywhere": a covered word still counts as skippable.
      std::uint8_t cls = Lexicon_WordClass(lex, StemOf(*a, prev));
      if (prev.covered) cls &= kSkippable;
      m.noun = (cls & kDeterminer) != 0;
      verb = verb || (!m.noun && ((cls & kSkippable) != 0 || (prev.roles & (kEndsNegationBefore | kEndsAgentSubject))));
    } else if (m.last + 1u >= a->tokens.size() || a->tokens[m.last + 1u].segment != first.segment) {
      verb = true;
    } else {
      const AnalysisToken& next = a->tokens[m.last + 1u];
      std::string_view n = StemOf(*a, next);
      verb = next.covered || (Lexicon_WordClass(lex, n) & (kSkippable | kPronoun)) != 0 || n == "if" || n == "unless" ||
             n == "whenever" || n == "until";
    }
    // A participle ("consider this refunded") and a phrasal verb ("admins sign
    // out") read as verbs unless an article or possessive precedes them.
    if (first.participle || m.last > m.first) {
      const bool article = !clause_start && !a->tokens[m.first - 1u].covered &&
                           IsArticle(StemOf(*a, a->tokens[m.first - 1u]));
      if (!article) { verb = true; m.noun = false; }
    }
    if (!verb) m.noun = true;
    m.quoted = first.quoted;
    m.negated_before = (first.roles & kRetracted) != 0 ||
                       WalkBack(lex, *a, m.first, true, kMaxSkipped, [](int, const AnalysisToken& t) {
                         return (t.roles & kEndsNegationBefore) ? 1 : 0;
                       });
    m.agent = WalkBack(lex, *a, m.first, true, kMaxSkippedSubject, [&](int, const AnalysisToken& t) {
      if (t.roles & kEndsAgentSubject) return 1;
      return StemOf(*a, t) == "you" ? -1 : 0;
    });
    int j = m.first - 1;
    for (; j >= 0 && a->tokens[static_cast<std::size_t>(j)].segment == first.segment; --j) {
      if (a->tokens[static_cast<std::size_t>(j)].roles & kInHedge) { m.hedged = true; break; }
    }
    // A short conditional set off by commas governs what follows it:
    // "and, if eligible, process a refund".
    if (!m.hedged && j >= 0 && a->tokens[static_cast<std::size_t>(j)].clause == first.clause) {
      int seg = a->tokens[static_cast<std::size_t>(j)].segment, begin = j;
      while (begin > 0 && a->tokens[static_cast<std::size_t>(begin - 1)].segment == seg) --begin;
      m.hedged = j - begin + 1 <= kShortConditional && (a->tokens[static_cast<std::size_t>(begin)].roles & kInHedge);
    }
  }
}

void ReadClauses(const Lexicon& lex, TextAnalysis* a) {
  a->clauses.clear();
  a->mention_start.assign(a->tokens.size(), 0);
  a->keyword_dump = false;
  a->repeated_word = false;
  const std::size_t n = a->tokens.size();
  std::size_t mi = 0;
  for (std::size_t t = 0; t < n;) {
    std::size_t e = t;
    while (e < n && a->tokens[e].clause == a->tokens[t].clause) ++e;
    AnalysisClause c;
    c.begin = a->tokens[t].begin;
    c.end = a->tokens[e - 1].end;
    c.words = static_cast<std::uint16_t>(e - t);
    c.list_item = a->tokens[t].list_start;
    bool imperative = false, verb_action = false;
    int mentions = 0;
    for (; mi < a->mentions.size() && a->mentions[mi].first < e; ++mi) {
      const Mention& m = a->mentions[mi];
      if (m.first < t || m.concept_id < kGrammarRoleCount) continue;
      ++mentions;
      a->mention_start[m.first] = 1;
      bool action = !m.noun && m.concept_id < lex.concept_is_action.size() && lex.concept_is_action[m.concept_id];
      verb_action = verb_action || action;
      imperative = imperative || (m.first == t && action);
    }
    int function_words = 0, min_segment = 1 << 20, segment_words = 0;
    int segments = 0, single_concept_segments = 0, starts = 0;
    bool all_covered = true;
    auto end_segment = [&] {
      ++segments;
      min_segment = std::min(min_segment, segment_words);
      if (all_covered && starts == 1) ++single_concept_segments;
      segment_words = starts = 0;
      all_covered = true;
    };
    for (std::size_t k = t; k < e; ++k) {
      const AnalysisToken& tok = a->tokens[k];
      if (k > t && tok.after_comma) end_segment();
      ++segment_words;
      starts += a->mention_start[k];
      all_covered = all_covered && tok.covered;
      if (!tok.covered && (Lexicon_WordClass(lex, StemOf(*a, tok)) & kFunctionWord)) ++function_words;
    }
    end_segment();
    // A sentence has function words; a numbered or bulleted step may be terse
    // ("2. Clear browser cache") when it starts with the action.
    // A clause whose comma-separated parts are mostly a single concept each is
    // a list of words ("update the app, latest version, reinstall, uninstall").
    bool word_list = segments >= 3 && single_concept_segments * 2 >= segments;
    c.sentence = !word_list && ((function_words >= 1 && c.words >= 3) || (imperative && function_words >= 1 && c.words >= 2) ||
                                (c.list_item && verb_action && c.words >= 2 && min_segment >= 2));
    if (!c.sentence && c.words >= kDumpWords && mentions >= kDumpMentions) a->keyword_dump = true;
    a->clauses.push_back(c);
    t = e;
  }
  for (std::size_t t = 2; t < n; ++t) {
    std::string_view w = StemOf(*a, a->tokens[t]);
    if (!w.empty() && !IsDigit(static_cast<unsigned char>(w[0])) && w == StemOf(*a, a->tokens[t - 1]) &&
        w == StemOf(*a, a->tokens[t - 2])) {
      a->repeated_word = true;
    }
  }
}

}  // namespace

void Analysis_Run(const Lexicon& lex, std::string_view text, TextAnalysis* out) {
  out->text = text;
  Tokenize(text, out);
  FindMentions(lex, out);
  MarkRoles(out);
  ReadPolarity(lex, out);
  ReadClauses(lex, out);
}

bool Analysis_NegatedAfter(const TextAnalysis& a, int last) {
  const std::size_t n = a.tokens.size();
  int seg = a.tokens[static_cast<std::size_t>(last)].segment;
  for (int j = last + 1; j < static_cast<int>(n) && j <= last + kNegationAfterReach; ++j) {
    const AnalysisToken& t = a.tokens[static_cast<std::size_t>(j)];
    if (t.segment != seg || (t.roles & kInHedge)) return false;
    if (t.roles & kStartsNegationAfter) return true;
    // A conjunction starts another statement: "clear your cache and the page is not stale".
    std::string_view stem = StemOf(a, t);
    if (stem == "and" || stem == "or" || stem == "when" || stem == "then" || stem == "so" || stem == "until" ||
        stem == "onc" || stem == "becaus") {
      return false;
    }
  }
  return false;
}

bool Analysis_ClauseHas(const TextAnalysis& a, ConceptId concept_id, int clause) {
  for (const Mention& m : a.mentions) {
    if (m.concept_id == concept_id && a.tokens[m.first].clause == clause && !m.negated_before) return true;
  }
  return false;
}

std::string_view Analysis_Quote(const TextAnalysis& a, int clause, std::size_t max_bytes) {
  const AnalysisClause& c = a.clauses[static_cast<std::size_t>(clause)];
  std::string_view q = a.text.substr(c.begin, c.end - c.begin);
  if (q.size() <= max_bytes) return q;
  std::size_t cut = max_bytes;
  while (cut > 0 && q[cut] != ' ') --cut;
  if (cut == 0) {  // one long word: cut on a character boundary
    cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(q[cut]) & 0xC0) == 0x80) --cut;
  }
  return q.substr(0, cut);
}

}  // namespace support_env
