#include "support_env/episode.h"

#include <algorithm>
#include <string>

#include "splitmix.h"
#include "support_env/canonical.h"
#include "support_env/grader.h"
#include "support_env/text.h"

namespace support_env {
namespace {

// The reward table (kClassifyCorrect…) is in support_env/types.h.

void AddLine(Episode* ep, Role role, std::string_view text) {
  if (ep->line_count >= kMaxConversationLines) return;  // bounded by construction
  ConversationLine& line = ep->lines[ep->line_count++];
  line.role = role;
  line.text.assign(text.data(), text.size());
}

void AppendCents(std::string* s, Cents c) {
  s->append(c < 0 ? "-" : "+");
  if (c < 0) c = -c;
  s->push_back(static_cast<char>('0' + c / 100));
  s->push_back('.');
  s->push_back(static_cast<char>('0' + (c / 10) % 10));
  s->push_back(static_cast<char>('0' + c % 10));
}

Sentiment Worse(Sentiment s) {
  return s == Sentiment::Angry ? s : static_cast<Sentiment>(static_cast<int>(s) + 1);
}

bool IsRelevant(const Mission& m, int article) {
  for (int a : m.relevant_articles) if (a == article) return true;
  return false;
}

// Ends the step: books the reward, applies the step limit, returns the result.
StepResult Finish(Episode* ep, Cents reward, bool valid) {
  ep->cumulative += reward;
  ep->rewards[ep->reward_count++] = reward;
  if (!ep->done && ep->step_count >= kMaxSteps) {
    ep->done = true;
    ep->outcome = Outcome::StepLimit;
    static const std::string limit_reached = " Step limit reached (" + std::to_string(kMaxSteps) + "/" +
                                             std::to_string(kMaxSteps) + "): the episode is over without a terminal action.";
    ep->reason.append(limit_reached);
    AddLine(ep, Role::System, "Step limit reached: the ticket was neither resolved nor escalated.");
  }
  StepResult r;
  r.accepted = true;
  r.valid = valid;
  r.reward = reward;
  r.done = ep->done;
  r.reason = ep->reason;
  return r;
}

StepResult NotAccepted(Episode* ep) {
  StepResult r;
  ep->reason.assign(ep->mission == nullptr ? "No episode: call reset first."
                                           : "The episode is over: call reset to start a new one.");
  r.reason = ep->reason;
  r.done = ep->done;
  return r;
}

// True when the (canonical) text asks something in words: a word of two or
// more letters, and a question mark or a word that asks ("what", "could you",
// "please describe"). "?", "..." and "OK." ask nothing.
bool AsksInWords(std::string_view s) {
  static constexpr std::string_view kAsking[] = {
      "what", "which", "when", "where", "who", "why", "how", "could", "can", "would", "will", "do", "does",
      "did", "is", "are", "have", "has", "please", "tell", "describe", "share", "explain", "let", "any"};
  bool word = false, asking = s.find('?') != std::string_view::npos;
  Text_ForEachToken(s, [&](std::string_view token) {
    bool letters = token.size() >= 2 && !(token[0] >= '0' && token[0] <= '9');
    word = word || letters;
    for (std::string_view w : kAsking) asking = asking || token == w;
  });
  return word && asking;
}

// " is longer than 2000 bytes: shorten it", from kMaxTextBytes.
std::string TextTooLong() { return " is longer than " + std::to_string(kMaxTextBytes) + " bytes: shorten it"; }

// Returns an error message for text the action cannot take, or nullptr.
const char* CheckText(const Action& a) {
  if (a.text.size() > kMaxTextBytes) {
    static const std::string too_long[kActionFieldCount] = {
        {}, std::string(WireName(ActionField::SearchQuery)) + TextTooLong(),
        std::string(WireName(ActionField::MessageToCustomer)) + TextTooLong()};
    return too_long[static_cast<int>(ActionType_FieldOf(a.type))].c_str();
  }
  if (!Text_IsValidUtf8(a.text)) {
    return a.type == ActionType::SearchKb ? "search_query is not valid UTF-8"
                                          : "message_to_customer is not valid UTF-8";
  }
  if ((a.type == ActionType::AskClarifyingQuestion || a.type == ActionType::ResolveTicket) &&
      Text_IsBlank(a.text)) {
    return a.type == ActionType::ResolveTicket
               ? "message_to_customer is empty: resolve_ticket needs the final solution text"
               : "message_to_customer is empty: ask_clarifying_question needs the question to ask";
  }
  return nullptr;
}

Cents Classify(Episode* ep, Category c) {
  bool first = !ep->classified;
  ep->classified = true;
  ep->category = c;
  ep->reason.assign("Ticket classified as ").append(WireName(c)).append(". ");
  AddLine(ep, Role::System, std::string_view(ep->reason).substr(0, ep->reason.size() - 1));
  if (!first) {
    ep->reason.append("Only the first classification is rewarded: +0.00 (grading uses the latest one).");
    return 0;
  }
  if (c == ep->mission->correct_category) {
    ep->reason.append("First classification, correct: +0.03.");
    return kClassifyCorrect;
  }
  ep->reason.append("First classification, not the ticket's category: +0.01.");
  return kClassifyWrong;
}

Cents Search(Episode* ep, std::string_view query) {
  const KnowledgeBase& kb = ep->scenarios->kb;
  Text_Canonicalize(query, &ep->grader.canonical);   // look-alikes and fullwidth letters search as what they look like
  SearchResult found = KnowledgeBase_Search(kb, ep->grader.canonical);
  if (found.status != SearchStatus::Found) {
    ep->reason.assign(found.status == SearchStatus::EmptyQuery
                          ? "The query has no searchable words: no article returned (+0.00). "
                            "Search with words that describe the customer's problem."
                          : "No article matches any word of the query: no article returned (+0.00). "
                            "Try other words for the customer's problem.");
    AddLine(ep, Role::System, "Knowledge base searched: no matching article.");
    return 0;
  }
  ep->kb_result = found.article;
  const KbArticle& art = kb.articles[static_cast<std::size_t>(found.article)];
  std::string& line = ep->reason;  // build the system line in the reason buffer, then reuse it
  line.assign("Knowledge base searched: top result ").append(art.id).append(" \"").append(art.title).append("\".");
  AddLine(ep, Role::System, line);

  bool relevant = IsRelevant(*ep->mission, found.article);
  ep->reason.assign("Top result ").append(art.id);
  Cents reward = 0;
  if (relevant && !ep->relevant_article_retrieved) {
    ep->relevant_article_retrieved = true;
    reward = kSearchCap - ep->search_reward;
    ep->reason.append(" is relevant to this ticket: ");
    AppendCents(&ep->reason, reward);
    ep->reason.append(reward == kSearchCap ? "." : " (search shaping is capped at +0.05 per episode).");
  } else if (!relevant && ep->search_reward == 0 && !ep->relevant_article_retrieved) {
    reward = kSearchOffTarget;
    ep->reason.append(" is not relevant to this ticket: +0.02 (once per episode).");
  } else {
    ep->reason.append(relevant ? " is relevant" : " is not relevant")
        .append(" to this ticket; search shaping already earned: +0.00.");
  }
  ep->search_reward += reward;
  return reward;
}

Cents Ask(Episode* ep, std::string_view question) {
  const Mission& m = *ep->mission;
  AddLine(ep, Role::Agent, question);
  ++ep->questions_asked;
  bool first = ep->questions_asked == 1;
  if (ep->questions_asked > m.patience) {
    ep->done = true;
    ep->outcome = Outcome::CustomerLeft;
    ep->sentiment = Sentiment::Angry;
    AddLine(ep, Role::Customer, m.customer.leaves);
    AddLine(ep, Role::System, "The customer ran out of patience and left the conversation.");
    ep->reason.assign("One question too many: the customer ran out of patience and left. "
                      "Episode over with no terminal reward (+0.00).");
    return 0;
  }
  if (m.needs_clarification && !ep->clarified) {
    ep->clarified = true;
    const Variant& v = m.variants[static_cast<std::size_t>(ep->variant_index)];
    AddLine(ep, Role::Customer, v.clarification.empty() ? m.customer.clarification : v.clarification);
    ep->reason.assign("The customer explained the problem. ");
  } else {
    ep->sentiment = Worse(ep->sentiment);
    const auto& replies = m.customer.unneeded_question;
    std::size_t pick = replies.empty() ? 0 : SplitMix64(&ep->rng) % replies.size();
    AddLine(ep, Role::Customer, replies.empty() ? std::string_view("I already told you.") : std::string_view(replies[pick]));
    ep->reason.assign(m.needs_clarification ? "The ticket was already clarified"
                                            : "The ticket was already clear")
        .append(": the question annoyed the customer (sentiment ")
        .append(WireName(ep->sentiment))
        .append("). ");
  }
  ep->reason.append(first ? "First clarifying question: +0.01." : "Only the first question is rewarded: +0.00.");
  return first ? kFirstQuestion : 0;
}

Cents Terminal(Episode* ep, const Action& a) {
  const Mission& m = *ep->mission;
  bool escalate = a.type == ActionType::EscalateToHuman;
  if (!Text_IsBlank(a.text)) AddLine(ep, Role::Agent, a.text);
  AddLine(ep, Role::System, escalate ? "Ticket escalated to a human specialist." : "Ticket marked as resolved.");
  ep->done = true;
  ep->outcome = escalate ? Outcome::Escalated : Outcome::Resolved;

  auto check = [&](std::string_view requirement, bool met) {
    if (ep->check_count < kMaxChecks) ep->checks[ep->check_count++] = Check{requirement, met};
  };
  check("the terminal action is the one this ticket's policy calls for", a.type == m.correct_terminal);
  if (a.type != m.correct_terminal) {
    ep->sentiment = Sentiment::Angry;
    AddLine(ep, Role::Customer, m.customer.after_failure);
    ep->reason.assign(escalate ? "Escalating is not what this ticket's policy calls for: +0.00."
                               : "Resolving is not what this ticket's policy calls for: +0.00.");
    return 0;
  }

  // Collect every unmet requirement, so the reason says all that fell short.
  const Requirements& req = m.requirements;
  ep->reason.assign("Correct terminal action");
  bool met = true;
  auto unmet = [&](const char* what) {
    ep->reason.append(met ? ", but " : "; ").append(what);
    met = false;
  };
  if (!ep->classified) unmet("the ticket was never classified");
  else if (ep->category != m.correct_category) unmet("the latest classification is not the ticket's category");
  check("the ticket is classified as its category", ep->classified && ep->category == m.correct_category);
  if (req.kb_article_retrieved) {
    if (!ep->relevant_article_retrieved) unmet("the relevant knowledge-base article was never retrieved");
    check("the relevant knowledge-base article was retrieved", ep->relevant_article_retrieved);
  }
  if (req.clarifying_question_asked) {
    if (ep->questions_asked == 0) unmet("no clarifying question was asked first");
    check("a clarifying question was asked first", ep->questions_asked > 0);
  }
  ep->failures.clear();
  GraderChecks graded;
  if (!Grader_CheckMessage(*ep->scenarios, m, a.text, &ep->grader, &ep->failures, &graded)) unmet(ep->failures.c_str());
  for (std::size_t i = 0; i < req.must_state.size(); ++i) {
    check(req.must_state[i].describe, (graded.fixes_stated >> i) & 1u);
  }
  if (!req.must_not_state.empty()) check("the message promises nothing the policy forbids", graded.nothing_forbidden);
  if (!req.must_state.empty()) check("the message answers this ticket, not another problem", graded.answers_ticket);
  check("the message is plain sentences (no markup, no keyword list)", graded.plain_sentences);

  if (met) {
    ep->success = true;
    ep->sentiment = Sentiment::Happy;
    AddLine(ep, Role::Customer, m.customer.after_success);
    ep->reason.append(" and every requirement met: +0.90.");
    return kTerminalSuccess;
  }
  // The customer says the answer did not help, so their mood drops a level.
  ep->sentiment = Worse(ep->sentiment);
  AddLine(ep, Role::Customer, m.customer.after_failure);
  ep->reason.append(": +0.30.");
  return kTerminalPartial;
}

}  // namespace

int Episode_QuestionsLeft(const Episode& ep) {
  if (ep.mission == nullptr || ep.done) return 0;
  return std::max(0, ep.mission->patience - ep.questions_asked);
}

int Episode_VariantForSeed(std::uint64_t seed, int variant_count) {
  if (seed == 0 || variant_count <= 1) return 0;
  std::uint64_t s = seed;
  return static_cast<int>(SplitMix64(&s) % static_cast<std::uint64_t>(variant_count));
}

void Episode_Init(Episode* ep, const ScenarioSet* scenarios) {
  *ep = Episode{};
  ep->scenarios = scenarios;
  ep->reason.reserve(256);
  ep->last_error.reserve(256);
  ep->failures.reserve(1024);
}

bool Episode_Reset(Episode* ep, int mission_index, std::uint64_t seed) {
  if (ep->scenarios == nullptr || mission_index < 0 ||
      mission_index >= static_cast<int>(ep->scenarios->missions.size())) {
    return false;
  }
  const Mission& m = ep->scenarios->missions[static_cast<std::size_t>(mission_index)];
  ep->mission = &m;
  ep->mission_index = mission_index;
  ep->seed = seed;
  ep->variant_index = Episode_VariantForSeed(seed, static_cast<int>(m.variants.size()));
  ep->rng = seed ^ 0x5DEECE66Dull;
  ep->step_count = 0;
  ep->done = false;
  ep->outcome = Outcome::None;
  ep->success = false;
  ep->sentiment = m.initial_sentiment;
  ep->classified = false;
  ep->category = Category::Billing;
  ep->search_reward = 0;
  ep->relevant_article_retrieved = false;
  ep->questions_asked = 0;
  ep->clarified = false;
  ep->kb_result = -1;
  ep->cumulative = 0;
  ep->reward_count = 0;
  ep->line_count = 0;
  ep->check_count = 0;
  ep->invalid_actions = 0;
  ep->has_error = false;
  ep->last_error.clear();
  ep->reason.clear();
  AddLine(ep, Role::Customer, m.variants[static_cast<std::size_t>(ep->variant_index)].ticket_text);
  return true;
}

StepResult Episode_Step(Episode* ep, const Action& action) {
  if (ep->mission == nullptr || ep->done) return NotAccepted(ep);
  ep->check_count = 0;
  if (const char* error = CheckText(action)) return Episode_StepInvalid(ep, error);
  if (action.type == ActionType::AskClarifyingQuestion) {
    Text_Canonicalize(action.text, &ep->grader.canonical);
    if (!AsksInWords(ep->grader.canonical)) {
      return Episode_StepInvalid(ep, "message_to_customer asks nothing: ask_clarifying_question needs a question in words "
                                     "(\"What happens when you open the app?\"), not only punctuation or a remark");
    }
  }
  ++ep->step_count;
  ep->has_error = false;
  ep->last_error.clear();
  Cents reward = 0;
  switch (action.type) {
    case ActionType::ClassifyIssue: reward = Classify(ep, action.category); break;
    case ActionType::SearchKb: reward = Search(ep, action.text); break;
    case ActionType::AskClarifyingQuestion: reward = Ask(ep, action.text); break;
    case ActionType::ResolveTicket:
    case ActionType::EscalateToHuman: reward = Terminal(ep, action); break;
  }
  return Finish(ep, reward, true);
}

StepResult Episode_StepInvalid(Episode* ep, std::string_view error) {
  if (ep->mission == nullptr || ep->done) return NotAccepted(ep);
  ep->check_count = 0;
  ++ep->step_count;
  ++ep->invalid_actions;
  ep->has_error = true;
  ep->last_error.assign(error.data(), error.size());
  ep->reason.assign("Invalid action, +0.00 (the step still counts): ").append(error.data(), error.size());
  return Finish(ep, 0, false);
}

}  // namespace support_env
