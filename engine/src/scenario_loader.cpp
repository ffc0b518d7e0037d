#include "support_env/scenario_loader.h"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "support_env/analysis.h"
#include "support_env/canonical.h"
#include "support_env/grader.h"
#include "support_env/text.h"

namespace support_env {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxStringBytes = 20000;
constexpr std::size_t kMaxArticles = 65535;   // postings store article indices in 16 bits
constexpr std::size_t kMaxVariants = 1000;

// Walks one file's JSON, remembering the path for error messages. The first
// problem wins; after it every check is a no-op that returns false.
class Reader {
 public:
  Reader(const std::string& file, std::string* error) : file_(file), error_(error) {}

  bool ok() const { return ok_; }

  bool Fail(const std::string& path, const std::string& problem) {
    if (ok_) *error_ = file_ + ": " + path + ": " + problem;
    ok_ = false;
    return false;
  }

  // Rejects fields not in `allowed`, so that a typo does not pass silently.
  bool OnlyFields(const json& obj, const std::string& path, std::initializer_list<const char*> allowed) {
    if (!ok_) return false;
    if (!obj.is_object()) return Fail(path, "expected an object");
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      bool known = std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return it.key() == a; });
      if (!known) {
        std::string list;
        for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        return Fail(path, "unknown field \"" + it.key() + "\" (allowed: " + list + ")");
      }
    }
    return true;
  }

  const json* Field(const json& obj, const std::string& path, const char* key, bool required = true) {
    if (!ok_) return nullptr;
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) Fail(path, std::string("missing field \"") + key + "\"");
      return nullptr;
    }
    return &*it;
  }

  bool String(const json& obj, const std::string& path, const char* key, std::string* out,
              bool required = true, bool allow_empty = false) {
    const json* v = Field(obj, path, key, required);
    if (v == nullptr) return ok_;
    std::string p = path + "." + key;
    if (!v->is_string()) return Fail(p, "expected a string");
    const auto& s = v->get_ref<const std::string&>();
    if (!allow_empty && Text_IsBlank(s)) return Fail(p, "expected a non-empty string");
    if (s.size() > kMaxStringBytes) return Fail(p, "string longer than 20000 bytes");
    *out = s;
    return true;
  }

  bool Int(const json& obj, const std::string& path, const char* key, int lo, int hi, int* out) {
    const json* v = Field(obj, path, key);
    if (v == nullptr) return false;
    std::string p = path + "." + key;
    if (!v->is_number_integer()) return Fail(p, "expected an integer");
    // Read through the widest type: get<int> of a huge value would wrap.
    if (v->is_number_unsigned() ? v->get<std::uint64_t>() > static_cast<std::uint64_t>(hi)
                                : (v->get<std::int64_t>() < lo || v->get<std::int64_t>() > hi)) {
      return Fail(p, "expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
    }
    *out = static_cast<int>(v->get<std::int64_t>());
    return true;
  }

  bool Bool(const json& obj, const std::string& path, const char* key, bool* out, bool required = true) {
    const json* v = Field(obj, path, key, required);
    if (v == nullptr) return ok_;
    if (!v->is_boolean()) return Fail(path + "." + key, "expected true or false");
    *out = v->get<bool>();
    return true;
  }

  template <typename E>
  bool Enum(const json& obj, const std::string& path, const char* key, bool (*parse)(std::string_view, E*),
            const char* allowed, E* out) {
    std::string s;
    if (!String(obj, path, key, &s)) return false;
    if (!parse(s, out)) return Fail(path + "." + key, "\"" + s + "\" is not one of " + allowed);
    return true;
  }

  bool StringList(const json& obj, const std::string& path, const char* key, std::vector<std::string>* out,
                  bool required = true, bool allow_empty_list = true) {
    const json* v = Field(obj, path, key, required);
    if (v == nullptr) return ok_;
    std::string p = path + "." + key;
    if (!v->is_array()) return Fail(p, "expected an array of strings");
    if (!allow_empty_list && v->empty()) return Fail(p, "expected at least one entry");
    out->clear();
    for (std::size_t i = 0; i < v->size(); ++i) {
      const json& e = (*v)[i];
      std::string ep = p + "[" + std::to_string(i) + "]";
      if (!e.is_string() || Text_IsBlank(e.get_ref<const std::string&>())) return Fail(ep, "expected a non-empty string");
      if (e.get_ref<const std::string&>().size() > kMaxStringBytes) return Fail(ep, "string longer than 20000 bytes");
      out->push_back(e.get<std::string>());
    }
    return true;
  }

  // A concept named by a step or pattern must exist in the lexicon.
  bool ConceptRef(const json& obj, const std::string& path, const char* key, const Lexicon& lex, ConceptId* out,
                  bool required) {
    std::string name;
    if (!String(obj, path, key, &name, required)) return false;
    if (name.empty()) { *out = kNoConcept; return true; }
    *out = Lexicon_Find(lex, name);
    if (*out == kNoConcept || *out < kGrammarRoleCount) {
      return Fail(path + "." + key, "unknown concept \"" + name + "\" (concepts are defined in lexicon/*.json)");
    }
    return true;
  }

  // A step: {"action": concept, "object"?: concept, "with"?: concept, "by"?: "customer"|"either"}.
  bool Step(const json& v, const std::string& path, Lexicon* lex, StepSpec* out) {
    if (!OnlyFields(v, path, {"action", "object", "with", "by"})) return false;
    std::string by;
    if (!ConceptRef(v, path, "action", *lex, &out->action, true) ||
        !ConceptRef(v, path, "object", *lex, &out->object, false) ||
        !ConceptRef(v, path, "with", *lex, &out->with, false) || !String(v, path, "by", &by, false)) {
      return false;
    }
    if (by == "customer") out->by = Actor::Customer;
    else if (by.empty() || by == "either") out->by = Actor::Either;
    else return Fail(path + ".by", "\"" + by + "\" is not one of customer, either");
    Lexicon_MarkAction(lex, out->action);
    return true;
  }

  bool Steps(const json& obj, const std::string& path, const char* key, Lexicon* lex, std::vector<StepSpec>* out,
             bool allow_empty) {
    const json* v = Field(obj, path, key);
    if (v == nullptr) return false;
    std::string p = path + "." + key;
    if (!v->is_array()) return Fail(p, "expected an array of steps ({\"action\": concept, \"object\": concept})");
    if (!allow_empty && v->empty()) return Fail(p, "expected at least one step");
    out->assign(v->size(), StepSpec{});
    for (std::size_t i = 0; i < v->size(); ++i) {
      if (!Step((*v)[i], p + "[" + std::to_string(i) + "]", lex, &(*out)[i])) return false;
    }
    return true;
  }

 private:
  const std::string& file_;
  std::string* error_;
  bool ok_ = true;
};

bool ParseFile(const SourceFile& f, json* out, std::string* error) {
  *out = json::parse(f.text, nullptr, /*allow_exceptions=*/false);
  if (out->is_discarded()) {
    *error = f.name + ": $: not valid JSON (or not valid UTF-8)";
    return false;
  }
  return true;
}

// A lexicon file, first pass: grammar words and concepts.
bool LoadLexiconWords(const SourceFile& f, const json& doc, Lexicon* lex, std::string* error) {
  Reader r(f.name, error);
  if (!r.OnlyFields(doc, "$", {"grammar", "concepts", "commitments"})) return false;
  if (const json* g = r.Field(doc, "$", "grammar", false)) {
    static constexpr struct { const char* key; GrammarRole role; } kRoles[] = {
        {"negation_before", GrammarRole::NegationBefore}, {"negation_after", GrammarRole::NegationAfter},
        {"pseudo_negation", GrammarRole::PseudoNegation}, {"hedges", GrammarRole::Hedge},
        {"clause_breaks", GrammarRole::ClauseBreak},      {"agent_subjects", GrammarRole::AgentSubject},
        {"retractions", GrammarRole::Retraction}};
    if (!r.OnlyFields(*g, "$.grammar", {"negation_before", "negation_after", "pseudo_negation", "hedges",
                                        "clause_breaks", "agent_subjects", "retractions", "skippable", "determiners",
                                        "function_words", "pronouns"})) {
      return false;
    }
    for (const auto& role : kRoles) {
      std::vector<std::string> words;
      if (!r.StringList(*g, "$.grammar", role.key, &words, false)) return false;
      for (std::size_t i = 0; i < words.size(); ++i) {
        if (!Lexicon_AddTerm(lex, GrammarConcept(role.role), words[i])) {
          return r.Fail("$.grammar." + std::string(role.key) + "[" + std::to_string(i) + "]", "has no letters or digits");
        }
      }
    }
    std::vector<std::string> words;
    for (auto [key, list] : {std::pair<const char*, std::vector<std::string>*>{"skippable", &lex->skippable},
                             {"determiners", &lex->determiners}, {"function_words", &lex->function_words},
                             {"pronouns", &lex->pronouns}}) {
      if (!r.StringList(*g, "$.grammar", key, &words, false)) return false;
      list->insert(list->end(), words.begin(), words.end());
      words.clear();
    }
  }
  if (const json* cs = r.Field(doc, "$", "concepts", false)) {
    if (!cs->is_object()) return r.Fail("$.concepts", "expected an object of concept name -> [terms]");
    for (auto it = cs->begin(); it != cs->end(); ++it) {
      std::string p = "$.concepts." + it.key();
      bool name_ok = !it.key().empty() && it.key().size() <= 64 &&
                     std::all_of(it.key().begin(), it.key().end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                     });
      if (!name_ok) return r.Fail(p, "a concept name holds 1 to 64 of a-z, 0-9 and _");
      if (Lexicon_Find(*lex, it.key()) != kNoConcept) return r.Fail(p, "concept \"" + it.key() + "\" is defined twice");
      if (lex->concepts.size() >= kNoConcept) return r.Fail(p, "more than 65534 concepts");
      const json& v = it.value();
      std::vector<std::string> terms;
      bool any_order = false;
      if (v.is_array()) {
        if (!r.StringList(*cs, "$.concepts", it.key().c_str(), &terms, true, false)) return false;
      } else if (v.is_object()) {
        if (!r.OnlyFields(v, p, {"terms", "any_order"}) || !r.StringList(v, p, "terms", &terms, true, false) ||
            !r.Bool(v, p, "any_order", &any_order, false)) {
          return false;
        }
      } else {
        return r.Fail(p, "expected an array of terms or {\"terms\": [...], \"any_order\": bool}");
      }
      ConceptId id = Lexicon_AddConcept(lex, it.key(), any_order);
      for (std::size_t i = 0; i < terms.size(); ++i) {
        if (!Lexicon_AddTerm(lex, id, terms[i])) return r.Fail(p + "[" + std::to_string(i) + "]", "has no letters or digits");
      }
    }
  }
  return true;
}

// A lexicon file, second pass (every concept known): commitments.
bool LoadLexiconCommitments(const SourceFile& f, const json& doc, Lexicon* lex, std::string* error) {
  Reader r(f.name, error);
  const json* cs = r.Field(doc, "$", "commitments", false);
  if (cs == nullptr) return r.ok();
  if (!cs->is_object()) return r.Fail("$.commitments", "expected an object of commitment name -> {describe, patterns}");
  for (auto it = cs->begin(); it != cs->end(); ++it) {
    std::string p = "$.commitments." + it.key();
    for (const Commitment& c : lex->commitments) {
      if (c.name == it.key()) return r.Fail(p, "commitment \"" + it.key() + "\" is defined twice");
    }
    Commitment c;
    c.name = it.key();
    const json* list = nullptr;
    if (!r.OnlyFields(it.value(), p, {"describe", "patterns"}) || !r.String(it.value(), p, "describe", &c.describe) ||
        (list = r.Field(it.value(), p, "patterns")) == nullptr) {
      return false;
    }
    if (!list->is_array() || list->empty()) return r.Fail(p + ".patterns", "expected a non-empty array of patterns");
    for (std::size_t i = 0; i < list->size(); ++i) {
      const json& v = (*list)[i];
      std::string pp = p + ".patterns[" + std::to_string(i) + "]";
      CommitmentPattern pat;
      std::string polarity;
      if (!r.OnlyFields(v, pp, {"action", "mention", "object", "with", "unless", "polarity"})) return false;
      bool has_action = v.contains("action"), has_mention = v.contains("mention");
      if (has_action == has_mention) return r.Fail(pp, "a pattern names exactly one of \"action\" or \"mention\"");
      pat.mention = has_mention;
      if (!r.ConceptRef(v, pp, has_action ? "action" : "mention", *lex, &pat.step.action, true) ||
          !r.ConceptRef(v, pp, "object", *lex, &pat.step.object, false) ||
          !r.ConceptRef(v, pp, "with", *lex, &pat.step.with, false) ||
          !r.ConceptRef(v, pp, "unless", *lex, &pat.unless, false) || !r.String(v, pp, "polarity", &polarity, false)) {
        return false;
      }
      if (polarity == "negated") pat.polarity = Polarity::Negated;
      else if (polarity.empty() || polarity == "asserted") pat.polarity = Polarity::Asserted;
      else return r.Fail(pp + ".polarity", "\"" + polarity + "\" is not one of asserted, negated");
      c.patterns.push_back(pat);
    }
    lex->commitments.push_back(std::move(c));
  }
  return true;
}

// Article id -> index, filled as articles load, so duplicate ids and mission
// references are found in O(1) (a scan per article made loading quadratic:
// about 12 s for 60,000 articles; bench/bench_loader.cpp measures it).
using ArticleIds = std::unordered_map<std::string, int>;

bool LoadArticles(const SourceFile& f, KnowledgeBase* kb, ArticleIds* ids, Lexicon* lex, std::string* error) {
  json doc;
  if (!ParseFile(f, &doc, error)) return false;
  Reader r(f.name, error);
  if (!r.OnlyFields(doc, "$", {"articles"})) return false;
  const json* list = r.Field(doc, "$", "articles");
  if (list == nullptr) return false;
  if (!list->is_array()) return r.Fail("$.articles", "expected an array of articles");
  for (std::size_t i = 0; i < list->size(); ++i) {
    const json& a = (*list)[i];
    std::string p = "$.articles[" + std::to_string(i) + "]";
    KbArticle art;
    if (!r.OnlyFields(a, p, {"id", "title", "text", "keywords", "fix"})) return false;
    if (!r.String(a, p, "id", &art.id) || !r.String(a, p, "title", &art.title) ||
        !r.String(a, p, "text", &art.text) || !r.StringList(a, p, "keywords", &art.keywords) ||
        !r.Steps(a, p, "fix", lex, &art.fix, true)) {
      return false;
    }
    if (ids->count(art.id) != 0) return r.Fail(p + ".id", "duplicate article id \"" + art.id + "\"");
    if (kb->articles.size() >= kMaxArticles) return r.Fail(p, "more than 65535 articles");
    ids->emplace(art.id, static_cast<int>(kb->articles.size()));
    kb->articles.push_back(std::move(art));
  }
  return true;
}

bool LoadMission(const SourceFile& f, const ArticleIds& ids, Lexicon* lex, Mission* m, std::string* error) {
  json doc;
  if (!ParseFile(f, &doc, error)) return false;
  Reader r(f.name, error);
  m->source = f.name;
  if (!r.OnlyFields(doc, "$", {"task_id", "order", "title", "difficulty", "summary", "ticket_id", "customer_tier",
                               "initial_sentiment", "patience", "needs_clarification", "correct_category",
                               "correct_terminal_action", "relevant_articles", "requirements", "customer",
                               "variants"})) {
    return false;
  }
  std::string ticket_id, terminal;
  std::vector<std::string> article_ids;
  bool ok = r.String(doc, "$", "task_id", &m->task_id) && r.Int(doc, "$", "order", 0, 1000000, &m->order) &&
            r.String(doc, "$", "title", &m->title) &&
            r.Enum(doc, "$", "difficulty", Difficulty_Parse, "Easy, Medium, Hard", &m->difficulty) &&
            r.String(doc, "$", "summary", &m->summary) && r.String(doc, "$", "ticket_id", &ticket_id) &&
            r.Enum(doc, "$", "customer_tier", Tier_Parse, "Standard, VIP", &m->tier) &&
            r.Enum(doc, "$", "initial_sentiment", Sentiment_Parse, "Happy, Neutral, Upset, Angry",
                   &m->initial_sentiment) &&
            r.Int(doc, "$", "patience", kMinPatience, kMaxPatience, &m->patience) &&
            r.Bool(doc, "$", "needs_clarification", &m->needs_clarification) &&
            r.Enum(doc, "$", "correct_category", Category_Parse, Category_AllowedList(), &m->correct_category) &&
            r.String(doc, "$", "correct_terminal_action", &terminal) &&
            r.StringList(doc, "$", "relevant_articles", &article_ids, true, false);
  if (!ok) return false;
  for (char c : m->task_id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return r.Fail("$.task_id", "\"" + m->task_id + "\" may hold only a-z, 0-9 and _");
    }
  }
  if (m->task_id.size() > 64) return r.Fail("$.task_id", "longer than 64 characters");
  if (!ActionType_Parse(terminal, &m->correct_terminal) || !ActionType_IsTerminal(m->correct_terminal)) {
    return r.Fail("$.correct_terminal_action", "\"" + terminal + "\" is not one of resolve_ticket, escalate_to_human");
  }
  for (std::size_t i = 0; i < article_ids.size(); ++i) {
    auto found = ids.find(article_ids[i]);
    if (found == ids.end()) {
      return r.Fail("$.relevant_articles[" + std::to_string(i) + "]",
                    "no article with id \"" + article_ids[i] + "\" in kb/*.json");
    }
    m->relevant_articles.push_back(found->second);
  }

  const json* req = r.Field(doc, "$", "requirements");
  if (req == nullptr || !r.OnlyFields(*req, "$.requirements", {"kb_article_retrieved", "clarifying_question_asked",
                                                              "must_state", "must_not_state"})) {
    return false;
  }
  Requirements& q = m->requirements;
  if (!r.Bool(*req, "$.requirements", "kb_article_retrieved", &q.kb_article_retrieved) ||
      !r.Bool(*req, "$.requirements", "clarifying_question_asked", &q.clarifying_question_asked)) {
    return false;
  }
  const json* must = r.Field(*req, "$.requirements", "must_state");
  if (must == nullptr) return false;
  if (!must->is_array()) return r.Fail("$.requirements.must_state", "expected an array of {\"describe\", \"any\": [steps]}");
  if (must->size() > kMaxStatedFixes) {
    return r.Fail("$.requirements.must_state", "more than " + std::to_string(kMaxStatedFixes) + " fixes");
  }
  for (std::size_t i = 0; i < must->size(); ++i) {
    std::string p = "$.requirements.must_state[" + std::to_string(i) + "]";
    StatedFix fix;
    if (!r.OnlyFields((*must)[i], p, {"describe", "any"}) || !r.String((*must)[i], p, "describe", &fix.describe) ||
        !r.Steps((*must)[i], p, "any", lex, &fix.any, false)) {
      return false;
    }
    q.must_state.push_back(std::move(fix));
  }
  std::vector<std::string> forbidden;
  if (!r.StringList(*req, "$.requirements", "must_not_state", &forbidden)) return false;
  for (std::size_t i = 0; i < forbidden.size(); ++i) {
    auto it = std::find_if(lex->commitments.begin(), lex->commitments.end(),
                           [&](const Commitment& c) { return c.name == forbidden[i]; });
    if (it == lex->commitments.end()) {
      return r.Fail("$.requirements.must_not_state[" + std::to_string(i) + "]",
                    "unknown commitment \"" + forbidden[i] + "\" (commitments are defined in lexicon/*.json)");
    }
    q.must_not_state.push_back(static_cast<int>(it - lex->commitments.begin()));
  }
  if (m->correct_terminal == ActionType::ResolveTicket && q.must_state.empty()) {
    return r.Fail("$.requirements.must_state", "a mission resolved by resolve_ticket must say what the message states");
  }

  const json* cust = r.Field(doc, "$", "customer");
  if (cust == nullptr || !r.OnlyFields(*cust, "$.customer", {"clarification", "unneeded_question_replies", "leaves",
                                                             "after_success", "after_failure"})) {
    return false;
  }
  CustomerLines& c = m->customer;
  if (!r.String(*cust, "$.customer", "clarification", &c.clarification, false) ||
      !r.StringList(*cust, "$.customer", "unneeded_question_replies", &c.unneeded_question, true, false) ||
      !r.String(*cust, "$.customer", "leaves", &c.leaves) ||
      !r.String(*cust, "$.customer", "after_success", &c.after_success) ||
      !r.String(*cust, "$.customer", "after_failure", &c.after_failure)) {
    return false;
  }

  const json* vars = r.Field(doc, "$", "variants");
  if (vars == nullptr) return false;
  if (!vars->is_array() || vars->empty()) return r.Fail("$.variants", "expected a non-empty array of variants");
  if (vars->size() > kMaxVariants) return r.Fail("$.variants", "more than 1000 variants");
  for (std::size_t i = 0; i < vars->size(); ++i) {
    const json& v = (*vars)[i];
    std::string p = "$.variants[" + std::to_string(i) + "]";
    Variant var;
    std::string suffix;
    if (!r.OnlyFields(v, p, {"customer_name", "ticket_suffix", "subject", "ticket_text", "clarification"}) ||
        !r.String(v, p, "customer_name", &var.customer_name) ||
        !r.String(v, p, "ticket_suffix", &suffix, true, /*allow_empty=*/true) ||
        !r.String(v, p, "subject", &var.subject) || !r.String(v, p, "ticket_text", &var.ticket_text) ||
        !r.String(v, p, "clarification", &var.clarification, false)) {
      return false;
    }
    if (var.ticket_text.size() > kMaxTextBytes) return r.Fail(p + ".ticket_text", "longer than 2000 bytes");
    if (m->needs_clarification && var.clarification.empty() && c.clarification.empty()) {
      return r.Fail(p + ".clarification", "a mission that needs clarification must say what the customer reveals "
                                          "(here or in $.customer.clarification)");
    }
    if (!suffix.empty() && Text_IsBlank(suffix)) return r.Fail(p + ".ticket_suffix", "expected \"\" or a suffix with letters or digits");
    var.ticket_id = suffix.empty() ? ticket_id : ticket_id + "-" + suffix;
    m->variants.push_back(std::move(var));
  }
  return true;
}

// The built-in lexicon that a pack's own lexicon files extend.
constexpr const char* kCoreLexicon = "lexicon/core.json";

// Derives the grader's step indexes: every article's fix steps, and for each
// mission the steps its own policy prescribes (its requirements, its relevant
// articles' fixes, and every step their text states).
void IndexSteps(ScenarioSet* set) {
  set->fix_steps.clear();
  for (std::size_t a = 0; a < set->kb.articles.size(); ++a) {
    for (const StepSpec& s : set->kb.articles[a].fix) {
      set->fix_steps.emplace_back(StepKey(s.action, s.object), static_cast<int>(a));
    }
  }
  std::sort(set->fix_steps.begin(), set->fix_steps.end());
  TextAnalysis analysis;
  std::string canonical;
  for (Mission& m : set->missions) {
    m.own_steps.clear();
    for (const StatedFix& fix : m.requirements.must_state) {
      for (const StepSpec& s : fix.any) m.own_steps.push_back(StepKey(s.action, s.object));
    }
    for (int a : m.relevant_articles) {
      const KbArticle& art = set->kb.articles[static_cast<std::size_t>(a)];
      for (const StepSpec& s : art.fix) m.own_steps.push_back(StepKey(s.action, s.object));
      Text_Canonicalize(art.text, &canonical);
      Analysis_Run(set->lexicon, canonical, &analysis);
      Grader_AssertedSteps(set->lexicon, analysis, &m.own_steps);
    }
    std::sort(m.own_steps.begin(), m.own_steps.end());
    m.own_steps.erase(std::unique(m.own_steps.begin(), m.own_steps.end()), m.own_steps.end());
    m.ticket_concepts.clear();
    for (const Variant& v : m.variants) {
      for (const std::string* text : {&v.subject, &v.ticket_text, &v.clarification}) {
        Text_Canonicalize(*text, &canonical);
        Analysis_Run(set->lexicon, canonical, &analysis);
        for (const Mention& mention : analysis.mentions) {
          if (mention.concept_id >= kGrammarRoleCount) m.ticket_concepts.push_back(mention.concept_id);
        }
      }
    }
    std::sort(m.ticket_concepts.begin(), m.ticket_concepts.end());
    m.ticket_concepts.erase(std::unique(m.ticket_concepts.begin(), m.ticket_concepts.end()), m.ticket_concepts.end());
  }
}

bool HasPrefix(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }
bool HasSuffix(const std::string& s, const char* x) {
  std::size_t n = std::char_traits<char>::length(x);
  return s.size() >= n && s.compare(s.size() - n, n, x) == 0;
}

}  // namespace

bool Scenarios_Load(const std::vector<SourceFile>& files, ScenarioSet* out, std::string* error) {
  ScenarioSet set;
  std::vector<const SourceFile*> kb_files, mission_files, lexicon_files;
  bool own_core = false;
  for (const SourceFile& f : files) {
    if (!HasSuffix(f.name, ".json")) continue;
    if (HasPrefix(f.name, "kb/")) kb_files.push_back(&f);
    else if (HasPrefix(f.name, "missions/")) mission_files.push_back(&f);
    else if (HasPrefix(f.name, "lexicon/")) {
      lexicon_files.push_back(&f);
      own_core = own_core || f.name == kCoreLexicon;
    }
  }
  auto by_name = [](const SourceFile* a, const SourceFile* b) { return a->name < b->name; };
  std::sort(kb_files.begin(), kb_files.end(), by_name);
  std::sort(mission_files.begin(), mission_files.end(), by_name);
  std::sort(lexicon_files.begin(), lexicon_files.end(), by_name);
  if (kb_files.empty()) { *error = "no knowledge-base file (kb/*.json) in the scenarios"; return false; }
  if (mission_files.empty()) { *error = "no mission file (missions/*.json) in the scenarios"; return false; }

  // A pack adds its lexicon files to the built-in core lexicon (or brings its own core).
  if (!own_core) {
    for (const SourceFile& f : Scenarios_Embedded()) {
      if (f.name == kCoreLexicon) lexicon_files.insert(lexicon_files.begin(), &f);
    }
  }
  Lexicon_Init(&set.lexicon);
  std::vector<json> lexicon_docs(lexicon_files.size());
  for (std::size_t i = 0; i < lexicon_files.size(); ++i) {
    if (!ParseFile(*lexicon_files[i], &lexicon_docs[i], error) ||
        !LoadLexiconWords(*lexicon_files[i], lexicon_docs[i], &set.lexicon, error)) {
      return false;
    }
  }
  for (std::size_t i = 0; i < lexicon_files.size(); ++i) {
    if (!LoadLexiconCommitments(*lexicon_files[i], lexicon_docs[i], &set.lexicon, error)) return false;
  }

  ArticleIds ids;
  for (const SourceFile* f : kb_files) {
    if (!LoadArticles(*f, &set.kb, &ids, &set.lexicon, error)) return false;
  }
  if (set.kb.articles.empty()) { *error = "the knowledge base has no articles"; return false; }
  for (const SourceFile* f : mission_files) {
    Mission m;
    if (!LoadMission(*f, ids, &set.lexicon, &m, error)) return false;
    int other = ScenarioSet_FindMission(set, m.task_id);
    if (other >= 0) {
      *error = f->name + ": $.task_id: \"" + m.task_id + "\" is already the task id of " +
               set.missions[static_cast<std::size_t>(other)].source;
      return false;
    }
    set.missions.push_back(std::move(m));
  }
  std::stable_sort(set.missions.begin(), set.missions.end(),
                   [](const Mission& a, const Mission& b) { return a.order < b.order; });
  KnowledgeBase_Build(&set.kb);
  Lexicon_Index(&set.lexicon);
  IndexSteps(&set);
  *out = std::move(set);
  return true;
}

bool Scenarios_LoadEmbedded(ScenarioSet* out, std::string* error) {
  return Scenarios_Load(Scenarios_Embedded(), out, error);
}

}  // namespace support_env
