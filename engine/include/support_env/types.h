// Vocabulary of the environment: categories, actions, sentiment, outcomes, limits.
// Plain C++17, no I/O. Names match the wire contract (mission.md §2.2).
#pragma once

#include <cstdint>
#include <string_view>

namespace support_env {

/// Steps an episode may take; the 10th step is the last (mission.md §2.6).
constexpr int kMaxSteps = 10;
/// Longest message or query accepted, in bytes of UTF-8 (mission.md §2.7).
constexpr std::size_t kMaxTextBytes = 2000;

/// Rewards are kept in hundredths so that sums are exact; 90 means +0.90.
using Cents = int;

/// The reward table (mission.md §2.3), in hundredths. `spec` is written from
/// these, so clients read them rather than copying them.
constexpr Cents kClassifyCorrect = 3;    // first classification, correct
constexpr Cents kClassifyWrong = 1;      // first classification, not the ticket's category
constexpr Cents kSearchOffTarget = 2;    // first search whose top result is off-target (once)
constexpr Cents kSearchCap = 5;          // search shaping per episode, at most
constexpr Cents kFirstQuestion = 1;      // first clarifying question
constexpr Cents kTerminalSuccess = 90;   // correct terminal action, every requirement met
constexpr Cents kTerminalPartial = 30;   // correct terminal action, a requirement unmet
/// A successful episode's score: the success target.
constexpr Cents kTargetScore = kTerminalSuccess;
/// The most an episode can earn: every shaping reward once, then success.
constexpr Cents kMaxScore = kClassifyCorrect + kSearchCap + kFirstQuestion + kTerminalSuccess;

/// Bounds of a mission's patience (questions the customer tolerates).
constexpr int kMinPatience = 0;
constexpr int kMaxPatience = kMaxSteps;

/// Ticket categories an agent may assign with classify_issue.
enum class Category : std::uint8_t { Billing, Technical, RefundRequest };
constexpr int kCategoryCount = 3;

/// The five actions (mission.md §2.2).
enum class ActionType : std::uint8_t {
  ClassifyIssue,
  SearchKb,
  AskClarifyingQuestion,
  ResolveTicket,
  EscalateToHuman,
};
constexpr int kActionTypeCount = 5;

/// Customer mood, from best to worst.
enum class Sentiment : std::uint8_t { Happy, Neutral, Upset, Angry };
constexpr int kSentimentCount = 4;

/// How an episode ended; None while it runs.
enum class Outcome : std::uint8_t { None, Resolved, Escalated, CustomerLeft, StepLimit };
/// Outcome values, None included (arrays indexed by Outcome).
constexpr int kOutcomeCount = 5;

enum class Difficulty : std::uint8_t { Easy, Medium, Hard };
enum class Tier : std::uint8_t { Standard, VIP };

/// Who said a line of the conversation.
enum class Role : std::uint8_t { Customer, Agent, System };

/// Wire names, one per enum value: the names the protocol writes and parses.
/// Category: "Billing", "Technical", "Refund_Request"; ActionType:
/// "classify_issue", …; Outcome: "resolved", "escalated", "customer_left",
/// "step_limit" (None: empty); Role: "customer", "agent", "system".
std::string_view WireName(Category c);
std::string_view WireName(ActionType a);
std::string_view WireName(Sentiment s);
std::string_view WireName(Outcome o);
std::string_view WireName(Difficulty d);
std::string_view WireName(Tier t);
std::string_view WireName(Role r);

/// Parse a wire name exactly (case-sensitive); false when unknown.
bool Category_Parse(std::string_view s, Category* out);
bool ActionType_Parse(std::string_view s, ActionType* out);
bool Sentiment_Parse(std::string_view s, Sentiment* out);
bool Difficulty_Parse(std::string_view s, Difficulty* out);
bool Tier_Parse(std::string_view s, Tier* out);

/// True for resolve_ticket and escalate_to_human.
inline bool ActionType_IsTerminal(ActionType a) {
  return a == ActionType::ResolveTicket || a == ActionType::EscalateToHuman;
}

/// The field that carries an action's argument. Each action type takes
/// exactly one (ActionType_FieldOf): the one map from actions to fields, read
/// by the protocol's decoders and writers, the spec and the bindings.
enum class ActionField : std::uint8_t { CategoryGuess, SearchQuery, MessageToCustomer };
constexpr int kActionFieldCount = 3;
/// "category_guess", "search_query", "message_to_customer".
std::string_view WireName(ActionField f);
ActionField ActionType_FieldOf(ActionType a);
/// The wire name of the field an action type takes.
inline std::string_view ActionType_Field(ActionType a) { return WireName(ActionType_FieldOf(a)); }
/// True when the field may be left out (escalate_to_human's handoff note).
inline bool ActionType_FieldOptional(ActionType a) { return a == ActionType::EscalateToHuman; }

/// Comma-separated list of allowed wire names, for error messages; built from
/// the same tables as the names themselves.
const char* Category_AllowedList();
const char* ActionType_AllowedList();

}  // namespace support_env
