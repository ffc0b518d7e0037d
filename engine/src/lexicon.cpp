#include "support_env/lexicon.h"

#include <algorithm>

#include "fnv.h"
#include "support_env/text.h"

namespace support_env {
namespace {

constexpr const char* kGrammarNames[kGrammarRoleCount] = {
    "@negation_before", "@negation_after", "@pseudo_negation", "@hedge", "@clause_break", "@agent_subject",
    "@retraction"};

// Stems of the words of `raw`, split and lower-cased as Text_ForEachToken does.
std::vector<std::string> StemsOf(std::string_view raw) {
  std::vector<std::string> out;
  Text_ForEachToken(raw, [&](std::string_view token) {
    char buf[64];
    out.emplace_back(Text_Stem(token, buf, sizeof buf));
  });
  return out;
}

}  // namespace

std::uint64_t Lexicon_Hash(std::string_view stem) { return Fnv1a<std::uint64_t>(stem); }

void Lexicon_Init(Lexicon* lex) {
  *lex = Lexicon{};
  for (const char* name : kGrammarNames) lex->concepts.push_back(Concept{name, false});
}

ConceptId Lexicon_Find(const Lexicon& lex, std::string_view name) {
  for (std::size_t i = 0; i < lex.concepts.size(); ++i) {
    if (lex.concepts[i].name == name) return static_cast<ConceptId>(i);
  }
  return kNoConcept;
}

ConceptId Lexicon_AddConcept(Lexicon* lex, std::string_view name, bool any_order) {
  lex->concepts.push_back(Concept{std::string(name), any_order});
  return static_cast<ConceptId>(lex->concepts.size() - 1);
}

bool Lexicon_AddTerm(Lexicon* lex, ConceptId concept_id, std::string_view raw) {
  LexiconTerm term;
  term.stems = StemsOf(raw);
  // A leading article or possessive ("your card", "the rest") is dropped, so
  // that "your payment method" and "payment method" name the same words and
  // neither swallows the other.
  static constexpr std::string_view kLeading[] = {"the", "a", "an", "your", "my", "our", "their", "his", "her", "its"};
  while (term.stems.size() > 1 &&
         std::find(std::begin(kLeading), std::end(kLeading), term.stems.front()) != std::end(kLeading)) {
    term.stems.erase(term.stems.begin());
  }
  if (term.stems.empty()) return false;
  term.concept_id = concept_id;
  lex->terms.push_back(std::move(term));
  return true;
}

void Lexicon_MarkAction(Lexicon* lex, ConceptId concept_id) {
  if (lex->concept_is_action.size() < lex->concepts.size()) lex->concept_is_action.resize(lex->concepts.size(), 0);
  if (concept_id < lex->concept_is_action.size()) lex->concept_is_action[concept_id] = 1;
}

void Lexicon_Index(Lexicon* lex) {
  lex->term_index.clear();
  for (std::size_t i = 0; i < lex->terms.size(); ++i) {
    lex->term_index.emplace_back(Lexicon_Hash(lex->terms[i].stems[0]), static_cast<std::uint32_t>(i));
  }
  std::sort(lex->term_index.begin(), lex->term_index.end());
  std::vector<std::pair<std::uint64_t, std::uint8_t>> classes;
  auto add = [&](const std::vector<std::string>& words, std::uint8_t bit) {
    for (const std::string& w : words) {
      for (const std::string& stem : StemsOf(w)) classes.emplace_back(Lexicon_Hash(stem), bit);
    }
  };
  add(lex->skippable, kSkippable);
  add(lex->determiners, kDeterminer);
  add(lex->function_words, kFunctionWord);
  add(lex->pronouns, kPronoun);
  std::sort(classes.begin(), classes.end());
  lex->word_classes.clear();
  for (const auto& c : classes) {
    if (!lex->word_classes.empty() && lex->word_classes.back().first == c.first) lex->word_classes.back().second |= c.second;
    else lex->word_classes.push_back(c);
  }
  lex->concept_is_action.resize(lex->concepts.size(), 0);
}

std::uint8_t Lexicon_WordClass(const Lexicon& lex, std::string_view stem) {
  std::uint64_t h = Lexicon_Hash(stem);
  auto it = std::lower_bound(lex.word_classes.begin(), lex.word_classes.end(), std::make_pair(h, std::uint8_t{0}));
  return it != lex.word_classes.end() && it->first == h ? it->second : 0;
}

}  // namespace support_env
