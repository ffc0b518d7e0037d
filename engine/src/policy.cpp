#include "support_env/policy.h"

#include <algorithm>
#include <iterator>

#include "splitmix.h"
#include "support_env/text.h"

namespace support_env {
namespace {

// ------------------------------------------------------------------ reference
// A careful support agent: asks when the ticket says nothing concrete, then
// classifies from the customer's words, searches the knowledge base with them,
// and follows what the article it found prescribes.

struct Cue { const char* phrase; int weight; };

// Words that point at a category. Technical symptoms outweigh account and
// payment words, which VIP customers mention in passing.
constexpr Cue kRefundCues[] = {
    {"refund", 4}, {"refunded", 4}, {"money back", 4}, {"difference back", 4}, {"reimburse", 4},
    {"refund me", 4}, {"chargeback", 4}};
constexpr Cue kTechnicalCues[] = {
    {"error", 3}, {"404", 3}, {"crash", 3}, {"crashes", 3}, {"closes", 3}, {"shuts down", 3},
    {"blank", 3}, {"white screen", 3}, {"not loading", 3}, {"bug", 3}, {"app", 2}, {"dashboard", 2},
    {"api", 2}, {"outage", 3}, {"blocked", 2}, {"down", 1}, {"freezes", 3}, {"won t load", 3}};
constexpr Cue kBillingCues[] = {
    {"receipt", 3}, {"invoice", 2}, {"billing", 1}, {"bill", 1}, {"charge", 1}, {"payment", 1},
    {"paid", 1}, {"purchase", 1}};

template <std::size_t N>
int Score(const std::string& norm, const WordSignature& sig, const Cue (&cues)[N]) {
  int score = 0;
  for (const Cue& c : cues) {
    Phrase p;
    Phrase_Make(c.phrase, &p);
    if (Phrase_In(p, norm, sig)) score += c.weight;
  }
  return score;
}

// Everything the customer said, normalised.
void CustomerText(const PolicyView& v, std::string* raw) {
  raw->clear();
  for (int i = 0; i < v.line_count; ++i) {
    if (v.lines[i].role == Role::Customer) raw->append(v.lines[i].text).push_back(' ');
  }
}

bool AskedAlready(const PolicyView& v) {
  for (int i = 0; i < v.line_count; ++i) {
    if (v.lines[i].role == Role::Agent) return true;
  }
  return false;
}

// Replaces each whole-word occurrence of `from` in *s; returns whether any was.
bool ReplaceWords(std::string* s, std::string_view from, std::string_view to) {
  bool any = false;
  for (std::size_t i = s->find(from); i != std::string::npos; i = s->find(from, i)) {
    if (i > 0 && (*s)[i - 1] != ' ') {
      ++i;
      continue;
    }
    s->replace(i, from.size(), to);
    i += to.size();
    any = true;
  }
  return any;
}

// Articles speak of "the customer"; a resolution speaks to them. Pronouns
// follow only once the article has named the customer (*about_customer):
// before that, "they" may be products.
void AddressCustomer(std::string* sentence, bool* about_customer) {
  static constexpr std::string_view kCustomer[][2] = {
      {"Ask the customer to ", "Please "}, {"If a customer ", "If you "}, {"Customers can ", "You can "},
      {"the customer's ", "your "}, {"the customer ", "you "}};
  static constexpr std::string_view kPronouns[][2] = {{"they ", "you "}, {"their ", "your "}, {"them ", "you "}};
  for (const auto& r : kCustomer) *about_customer |= ReplaceWords(sentence, r[0], r[1]);
  if (!*about_customer) return;
  for (const auto& r : kPronouns) ReplaceWords(sentence, r[0], r[1]);
}

// The article's sentences that tell someone what to do, minus the ones that
// only instruct the support agent (a customer should not read those),
// addressed to the customer.
std::string FixFromArticle(const KbArticle& a) {
  static constexpr const char* kInstructionCues[] = {
      "fix", "download", "clear", "update", "uninstall", "reinstall", "switch", "refunded", "sign out",
      "regenerate", "emailed", "re send", "change", "reset", "retry", "contact", "return"};
  static constexpr const char* kAgentOnlyCues[] = {"the agent", "support agents", "no escalation"};
  std::string out;
  std::string norm;
  bool about_customer = false;
  std::size_t start = 0;
  const std::string& t = a.text;
  while (start < t.size()) {
    std::size_t end = t.find_first_of(".!?", start);
    end = end == std::string::npos ? t.size() : end + 1;
    std::string_view sentence(t.data() + start, end - start);
    start = end;
    Text_Normalize(sentence, &norm);
    WordSignature sig;
    Text_Signature(norm, &sig);
    auto mentions = [&](const char* cue) {
      Phrase p;
      Phrase_Make(cue, &p);
      return Phrase_In(p, norm, sig);
    };
    if (std::none_of(std::begin(kInstructionCues), std::end(kInstructionCues), mentions) ||
        std::any_of(std::begin(kAgentOnlyCues), std::end(kAgentOnlyCues), mentions)) {
      continue;
    }
    while (!sentence.empty() && sentence.front() == ' ') sentence.remove_prefix(1);
    std::string addressed(sentence);
    AddressCustomer(&addressed, &about_customer);
    out.append(addressed).push_back(' ');
  }
  return out.empty() ? a.text : out;
}

void Set(PolicyAction* out, ActionType type, std::string text = {}, Category c = Category::Billing) {
  out->text = std::move(text);
  out->action.type = type;
  out->action.category = c;
  out->action.text = out->text;
}

void ActReference(const PolicyView& v, PolicyAction* out) {
  std::string raw;
  CustomerText(v, &raw);
  std::string norm;
  Text_Normalize(raw, &norm);
  WordSignature sig;
  Text_Signature(norm, &sig);
  int refund = Score(norm, sig, kRefundCues);
  int technical = Score(norm, sig, kTechnicalCues);
  int billing = Score(norm, sig, kBillingCues);

  // Nothing concrete yet: ask once what is wrong.
  if (refund + technical + billing == 0 && !AskedAlready(v)) {
    Set(out, ActionType::AskClarifyingQuestion,
        "Sorry to hear that! Could you tell me what exactly is not working, and since when?");
    return;
  }
  Category category = refund >= technical && refund >= billing && refund > 0 ? Category::RefundRequest
                      : technical >= billing                                 ? Category::Technical
                                                                             : Category::Billing;
  if (!v.classified || v.category != category) {
    Set(out, ActionType::ClassifyIssue, {}, category);
    return;
  }
  if (v.kb_article == nullptr) {
    // The customer's own words are the best query; keep it within limits.
    std::string query = raw.substr(0, kMaxTextBytes / 2);
    while (!query.empty() && (static_cast<unsigned char>(query.back()) & 0xC0) == 0x80) query.pop_back();
    if (!query.empty() && static_cast<unsigned char>(query.back()) >= 0xC0) query.pop_back();
    Set(out, ActionType::SearchKb, query);
    return;
  }
  const KbArticle& a = *v.kb_article;
  std::string article;
  Text_Normalize(a.text, &article);
  WordSignature asig;
  Text_Signature(article, &asig);
  Phrase escalate, human;
  Phrase_Make("escalate", &escalate);
  Phrase_Make("human", &human);
  std::string name(v.customer_name.substr(0, v.customer_name.find(' ')));
  if (category == Category::RefundRequest && Phrase_In(escalate, article, asig) && Phrase_In(human, article, asig)) {
    Set(out, ActionType::EscalateToHuman,
        "I understand how frustrating this is, " + name + ". I am handing your case to a human billing "
        "specialist, who reviews disputes like this one and will get back to you directly.");
    return;
  }
  Set(out, ActionType::ResolveTicket,
      "Hi " + name + ", thanks for reaching out and for your patience. Here is what to do: " + FixFromArticle(a) +
          "Please reply if anything is still not right.");
}

// --------------------------------------------------------------------- random
// A floor to compare agents against: each step a uniformly random action type,
// category and text. The text is random letters, not words picked from the
// missions: a list of support words would let chance search the knowledge
// base well and inflate the floor.

// `words` random lowercase words of 2-8 letters, separated by spaces.
void RandomText(std::uint64_t r, int words, std::string* out) {
  out->clear();
  for (int w = 0; w < words; ++w) {
    if (w > 0) out->push_back(' ');
    r = SplitMix64_Hash(r);
    const int letters = 2 + static_cast<int>(r % 7);
    for (int i = 0; i < letters; ++i) {
      r = SplitMix64_Hash(r);
      out->push_back(static_cast<char>('a' + r % 26));
    }
  }
}

void ActRandom(const PolicyView& v, std::uint64_t seed, PolicyAction* out) {
  std::uint64_t r = SplitMix64_Hash(seed ^ SplitMix64_Hash(static_cast<std::uint64_t>(v.step_count) + 1));
  auto type = static_cast<ActionType>(r % kActionTypeCount);
  r = SplitMix64_Hash(r);
  if (type == ActionType::ClassifyIssue) {
    Set(out, type, {}, static_cast<Category>(r % kCategoryCount));
    return;
  }
  std::string text;
  RandomText(r, 1 + static_cast<int>(r % (type == ActionType::SearchKb ? 3 : 12)), &text);
  Set(out, type, text);
}

// PolicyKind's wire names, in enum order.
constexpr const char* kPolicyNames[] = {"reference", "random"};

}  // namespace

const char* PolicyKind_Name(PolicyKind k) { return kPolicyNames[static_cast<int>(k)]; }

bool PolicyKind_Parse(std::string_view s, PolicyKind* out) {
  for (std::size_t i = 0; i < std::size(kPolicyNames); ++i) {
    if (s == kPolicyNames[i]) {
      *out = static_cast<PolicyKind>(i);
      return true;
    }
  }
  return false;
}

const char* PolicyKind_AllowedList() {
  static const std::string list = [] {
    std::string out;
    for (const char* name : kPolicyNames) out += (out.empty() ? "" : ", ") + std::string(name);
    return out;
  }();
  return list.c_str();
}

PolicyView PolicyView_Of(const Episode& ep) {
  PolicyView v;
  v.lines = ep.lines;
  v.line_count = ep.line_count;
  v.kb_article = ep.kb_result >= 0 ? &ep.scenarios->kb.articles[static_cast<std::size_t>(ep.kb_result)] : nullptr;
  v.classified = ep.classified;
  v.category = ep.category;
  v.step_count = ep.step_count;
  if (ep.mission != nullptr) v.customer_name = ep.mission->variants[static_cast<std::size_t>(ep.variant_index)].customer_name;
  return v;
}

void Policy_Act(PolicyKind kind, const PolicyView& view, std::uint64_t seed, PolicyAction* out) {
  if (kind == PolicyKind::Reference) ActReference(view, out);
  else ActRandom(view, seed, out);
}

EpisodeResult Policy_PlayEpisode(PolicyKind kind, Episode* ep, int mission, std::uint64_t seed, EpisodeStats* stats) {
  Episode_Reset(ep, mission, seed);
  PolicyAction pa;
  while (!ep->done) {
    Policy_Act(kind, PolicyView_Of(*ep), seed, &pa);
    Episode_Step(ep, pa.action);
  }
  Stats_AddEpisode(stats, *ep);
  return {ep->cumulative, ep->success, ep->step_count};
}

}  // namespace support_env
