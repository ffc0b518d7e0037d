#include "support_env/scenario_loader.h"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <unordered_map>

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

  // A phrase is stored normalised and unpadded: "Sign-In" -> "sign in".
  bool MakePhrase(const std::string& raw, const std::string& path, Phrase* out) {
    return Phrase_Make(raw, out) || Fail(path, "phrase has no letters or digits");
  }

  bool PhraseList(const json& obj, const std::string& path, const char* key, std::vector<Phrase>* out) {
    std::vector<std::string> raw;
    if (!StringList(obj, path, key, &raw)) return false;
    out->resize(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (!MakePhrase(raw[i], path + "." + key + "[" + std::to_string(i) + "]", &(*out)[i])) return false;
    }
    return true;
  }

  bool PhraseGroups(const json& obj, const std::string& path, const char* key, PhraseGroupList* out) {
    const json* v = Field(obj, path, key);
    if (v == nullptr) return false;
    std::string p = path + "." + key;
    if (!v->is_array()) return Fail(p, "expected an array of phrase groups (arrays of strings)");
    out->assign(v->size(), {});
    for (std::size_t i = 0; i < v->size(); ++i) {
      std::string gp = p + "[" + std::to_string(i) + "]";
      const json& g = (*v)[i];
      if (!g.is_array() || g.empty()) return Fail(gp, "expected a non-empty array of phrases");
      for (std::size_t k = 0; k < g.size(); ++k) {
        std::string pp = gp + "[" + std::to_string(k) + "]";
        if (!g[k].is_string()) return Fail(pp, "expected a string");
        Phrase phrase;
        if (!MakePhrase(g[k].get<std::string>(), pp, &phrase)) return false;
        (*out)[i].push_back(std::move(phrase));
      }
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

// Article id -> index, filled as articles load, so duplicate ids and mission
// references are found in O(1) (a scan per article made loading quadratic:
// about 12 s for 60,000 articles; bench/bench_loader.cpp measures it).
using ArticleIds = std::unordered_map<std::string, int>;

bool LoadArticles(const SourceFile& f, KnowledgeBase* kb, ArticleIds* ids, std::string* error) {
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
        !r.PhraseGroups(a, p, "fix", &art.fix)) {
      return false;
    }
    if (ids->count(art.id) != 0) return r.Fail(p + ".id", "duplicate article id \"" + art.id + "\"");
    if (kb->articles.size() >= kMaxArticles) return r.Fail(p, "more than 65535 articles");
    ids->emplace(art.id, static_cast<int>(kb->articles.size()));
    kb->articles.push_back(std::move(art));
  }
  return true;
}

bool LoadMission(const SourceFile& f, const ArticleIds& ids, Mission* m, std::string* error) {
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
                                                              "message_must_state", "message_must_not_state"})) {
    return false;
  }
  Requirements& q = m->requirements;
  if (!r.Bool(*req, "$.requirements", "kb_article_retrieved", &q.kb_article_retrieved) ||
      !r.Bool(*req, "$.requirements", "clarifying_question_asked", &q.clarifying_question_asked) ||
      !r.PhraseGroups(*req, "$.requirements", "message_must_state", &q.message_must_state) ||
      !r.PhraseList(*req, "$.requirements", "message_must_not_state", &q.message_must_not_state)) {
    return false;
  }
  if (m->correct_terminal == ActionType::ResolveTicket && q.message_must_state.empty()) {
    return r.Fail("$.requirements.message_must_state", "a mission resolved by resolve_ticket must say what the message states");
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

bool HasPrefix(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }
bool HasSuffix(const std::string& s, const char* x) {
  std::size_t n = std::char_traits<char>::length(x);
  return s.size() >= n && s.compare(s.size() - n, n, x) == 0;
}

}  // namespace

bool Scenarios_Load(const std::vector<SourceFile>& files, ScenarioSet* out, std::string* error) {
  ScenarioSet set;
  std::vector<const SourceFile*> kb_files, mission_files;
  for (const SourceFile& f : files) {
    if (!HasSuffix(f.name, ".json")) continue;
    if (HasPrefix(f.name, "kb/")) kb_files.push_back(&f);
    else if (HasPrefix(f.name, "missions/")) mission_files.push_back(&f);
  }
  auto by_name = [](const SourceFile* a, const SourceFile* b) { return a->name < b->name; };
  std::sort(kb_files.begin(), kb_files.end(), by_name);
  std::sort(mission_files.begin(), mission_files.end(), by_name);
  if (kb_files.empty()) { *error = "no knowledge-base file (kb/*.json) in the scenarios"; return false; }
  if (mission_files.empty()) { *error = "no mission file (missions/*.json) in the scenarios"; return false; }

  ArticleIds ids;
  for (const SourceFile* f : kb_files) {
    if (!LoadArticles(*f, &set.kb, &ids, error)) return false;
  }
  if (set.kb.articles.empty()) { *error = "the knowledge base has no articles"; return false; }
  for (const SourceFile* f : mission_files) {
    Mission m;
    if (!LoadMission(*f, ids, &m, error)) return false;
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
  *out = std::move(set);
  return true;
}

bool Scenarios_LoadEmbedded(ScenarioSet* out, std::string* error) {
  return Scenarios_Load(Scenarios_Embedded(), out, error);
}

}  // namespace support_env
