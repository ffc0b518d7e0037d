#include "support_env/types.h"

#include <iterator>
#include <string>

namespace support_env {
namespace {

// One table per enum keeps names and parsing in a single place. string_view
// entries carry their lengths, so parsing compares without strlen.
constexpr std::string_view kCategoryNames[] = {"Billing", "Technical", "Refund_Request"};
constexpr std::string_view kActionNames[] = {"classify_issue", "search_kb", "ask_clarifying_question",
                                              "resolve_ticket", "escalate_to_human"};
constexpr std::string_view kFieldNames[] = {"category_guess", "search_query", "message_to_customer"};
constexpr ActionField kActionFields[] = {ActionField::CategoryGuess, ActionField::SearchQuery,
                                         ActionField::MessageToCustomer, ActionField::MessageToCustomer,
                                         ActionField::MessageToCustomer};
constexpr std::string_view kSentimentNames[] = {"Happy", "Neutral", "Upset", "Angry"};
constexpr std::string_view kDifficultyNames[] = {"Easy", "Medium", "Hard"};
constexpr std::string_view kTierNames[] = {"Standard", "VIP"};
constexpr std::string_view kRoleNames[] = {"customer", "agent", "system"};
constexpr std::string_view kOutcomeNames[] = {{}, "resolved", "escalated", "customer_left", "step_limit"};

template <typename E, std::size_t N>
bool ParseName(const std::string_view (&names)[N], std::string_view s, E* out) {
  for (std::size_t i = 0; i < N; ++i) {
    if (s == names[i]) {
      *out = static_cast<E>(i);
      return true;
    }
  }
  return false;
}

// "a, b, c": the names of a table, for error messages.
template <std::size_t N>
std::string JoinNames(const std::string_view (&names)[N]) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i) out += ", ";
    out += names[i];
  }
  return out;
}

static_assert(std::size(kCategoryNames) == kCategoryCount);
static_assert(std::size(kActionNames) == kActionTypeCount && std::size(kActionFields) == kActionTypeCount);
static_assert(std::size(kFieldNames) == kActionFieldCount);
static_assert(std::size(kSentimentNames) == kSentimentCount);
static_assert(std::size(kOutcomeNames) == kOutcomeCount);

}  // namespace

std::string_view WireName(Category c) { return kCategoryNames[static_cast<int>(c)]; }
std::string_view WireName(ActionType a) { return kActionNames[static_cast<int>(a)]; }
std::string_view WireName(Sentiment s) { return kSentimentNames[static_cast<int>(s)]; }
std::string_view WireName(Outcome o) { return kOutcomeNames[static_cast<int>(o)]; }
std::string_view WireName(Difficulty d) { return kDifficultyNames[static_cast<int>(d)]; }
std::string_view WireName(Tier t) { return kTierNames[static_cast<int>(t)]; }
std::string_view WireName(Role r) { return kRoleNames[static_cast<int>(r)]; }
std::string_view WireName(ActionField f) { return kFieldNames[static_cast<int>(f)]; }

bool Category_Parse(std::string_view s, Category* out) { return ParseName(kCategoryNames, s, out); }
bool ActionType_Parse(std::string_view s, ActionType* out) { return ParseName(kActionNames, s, out); }
bool Sentiment_Parse(std::string_view s, Sentiment* out) { return ParseName(kSentimentNames, s, out); }
bool Difficulty_Parse(std::string_view s, Difficulty* out) { return ParseName(kDifficultyNames, s, out); }
bool Tier_Parse(std::string_view s, Tier* out) { return ParseName(kTierNames, s, out); }

ActionField ActionType_FieldOf(ActionType a) { return kActionFields[static_cast<int>(a)]; }

const char* Category_AllowedList() {
  static const std::string list = JoinNames(kCategoryNames);
  return list.c_str();
}
const char* ActionType_AllowedList() {
  static const std::string list = JoinNames(kActionNames);
  return list.c_str();
}

}  // namespace support_env
