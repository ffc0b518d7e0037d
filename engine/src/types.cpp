#include "support_env/types.h"

namespace support_env {
namespace {

// One table per enum keeps names and parsing in a single place.
constexpr const char* kCategoryNames[] = {"Billing", "Technical", "Refund_Request"};
constexpr const char* kActionNames[] = {"classify_issue", "search_kb", "ask_clarifying_question",
                                        "resolve_ticket", "escalate_to_human"};
constexpr const char* kSentimentNames[] = {"Happy", "Neutral", "Upset", "Angry"};
constexpr const char* kDifficultyNames[] = {"Easy", "Medium", "Hard"};
constexpr const char* kTierNames[] = {"Standard", "VIP"};
constexpr const char* kRoleNames[] = {"customer", "agent", "system"};
constexpr const char* kOutcomeNames[] = {nullptr, "resolved", "escalated", "customer_left", "step_limit"};

template <typename E, std::size_t N>
bool ParseName(const char* const (&names)[N], std::string_view s, E* out) {
  for (std::size_t i = 0; i < N; ++i) {
    if (s == names[i]) {
      *out = static_cast<E>(i);
      return true;
    }
  }
  return false;
}

}  // namespace

const char* Category_Name(Category c) { return kCategoryNames[static_cast<int>(c)]; }
bool Category_Parse(std::string_view s, Category* out) { return ParseName(kCategoryNames, s, out); }
const char* Category_AllowedList() { return "Billing, Technical, Refund_Request"; }

const char* ActionType_Name(ActionType a) { return kActionNames[static_cast<int>(a)]; }
bool ActionType_Parse(std::string_view s, ActionType* out) { return ParseName(kActionNames, s, out); }
const char* ActionType_AllowedList() {
  return "classify_issue, search_kb, ask_clarifying_question, resolve_ticket, escalate_to_human";
}

const char* Sentiment_Name(Sentiment s) { return kSentimentNames[static_cast<int>(s)]; }
bool Sentiment_Parse(std::string_view s, Sentiment* out) { return ParseName(kSentimentNames, s, out); }

const char* Outcome_Name(Outcome o) { return kOutcomeNames[static_cast<int>(o)]; }

const char* Difficulty_Name(Difficulty d) { return kDifficultyNames[static_cast<int>(d)]; }
bool Difficulty_Parse(std::string_view s, Difficulty* out) { return ParseName(kDifficultyNames, s, out); }

const char* Tier_Name(Tier t) { return kTierNames[static_cast<int>(t)]; }
bool Tier_Parse(std::string_view s, Tier* out) { return ParseName(kTierNames, s, out); }

const char* Role_Name(Role r) { return kRoleNames[static_cast<int>(r)]; }

}  // namespace support_env
