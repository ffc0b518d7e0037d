#include "support_env/grader.h"

#include <algorithm>
#include <cstdint>

#include "support_env/text.h"

namespace support_env {
namespace {

// A message that explains a fix reads as prose: enough words, a fair share of
// function words, and no content word hammered over and over (more than three
// times and more than a tenth of all words: long explanations repeat nouns).
constexpr int kMinWords = 6;
constexpr int kMinStopwordPercent = 15;
constexpr int kMaxRepeats = 3;
constexpr int kMaxRepeatPercent = 10;

// A normalised message with its word signature, so most phrases are ruled out
// without scanning the text.
struct Text {
  std::string_view normalized;
  WordSignature signature;
};

bool Contains(const Text& t, const Phrase& phrase) { return Phrase_In(phrase, t.normalized, t.signature); }

// True when the word ending just before `end` (exclusive, at a space) is a
// negation; writes where that word starts to *start.
bool PreviousWordIsNegation(std::string_view norm, std::size_t end, std::size_t* start) {
  std::size_t e = end;
  while (e > 0 && norm[e - 1] == ' ') --e;
  std::size_t b = e;
  while (b > 0 && norm[b - 1] != ' ') --b;
  *start = b;
  std::string_view w = norm.substr(b, e - b);
  // "t" is the tail of can't, don't, won't, isn't… after normalisation.
  return w == "not" || w == "no" || w == "never" || w == "cannot" || w == "t" || w == "unable" || w == "nor";
}

// A must-not phrase counts only when it is asserted: an occurrence with a
// negation among the two words before it ("we cannot refund you") is not a claim.
bool Asserted(const Text& t, const Phrase& phrase) {
  if (!Contains(t, phrase)) return false;
  std::string_view norm = t.normalized;
  for (std::size_t pos = norm.find(phrase.text); pos != std::string_view::npos; pos = norm.find(phrase.text, pos + 1)) {
    std::size_t end = pos + phrase.text.size();
    if (pos == 0 || norm[pos - 1] != ' ' || end >= norm.size() || norm[end] != ' ') continue;
    std::size_t start = pos;
    bool negated = PreviousWordIsNegation(norm, start, &start) || (start > 0 && PreviousWordIsNegation(norm, start, &start));
    if (!negated) return true;
  }
  return false;
}

bool GroupHolds(const Text& t, const PhraseGroup& group) {
  for (const Phrase& phrase : group) {
    if (Contains(t, phrase)) return true;
  }
  return false;
}

bool AllGroupsHold(const Text& t, const PhraseGroupList& groups) {
  for (const auto& g : groups) {
    if (!GroupHolds(t, g)) return false;
  }
  return !groups.empty();
}

bool ReadsAsProse(std::string_view message) {
  // Open-addressing count table on the stack: messages are at most 2,000 bytes,
  // so at most 1,000 distinct words.
  constexpr std::uint32_t kMaxSlots = 2048;
  std::uint32_t hashes[kMaxSlots];
  std::uint8_t counts[kMaxSlots];
  // A table twice the byte length holds every word with room to spare; clearing
  // only that much keeps short messages cheap.
  std::uint32_t slots = 64;
  while (slots < kMaxSlots && slots < 2 * message.size()) slots *= 2;
  std::fill(hashes, hashes + slots, 0u);
  int words = 0, stopwords = 0, most_repeated = 0;
  Text_ForEachToken(message, [&](std::string_view token) {
    ++words;
    if (Text_IsStopword(token)) {
      ++stopwords;
      return;
    }
    std::uint32_t h = 2166136261u;
    for (char c : token) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    h |= 1u;  // 0 marks an empty slot
    for (std::uint32_t i = h;; ++i) {
      std::uint32_t slot = i & (slots - 1);
      if (hashes[slot] == 0) { hashes[slot] = h; counts[slot] = 1; break; }
      if (hashes[slot] == h) {
        if (counts[slot] < 255) ++counts[slot];
        if (counts[slot] > most_repeated) most_repeated = counts[slot];
        break;
      }
    }
  });
  bool hammered = most_repeated > kMaxRepeats && most_repeated * 100 > words * kMaxRepeatPercent;
  return words >= kMinWords && !hammered && stopwords * 100 >= words * kMinStopwordPercent;
}

bool IsRelevant(const Mission& mission, int article) {
  for (int a : mission.relevant_articles) if (a == article) return true;
  return false;
}

}  // namespace

const char* MessageVerdict_Explain(MessageVerdict v) {
  switch (v) {
    case MessageVerdict::Ok: return "the message is sound";
    case MessageVerdict::MissingFix: return "the message does not state the fix the policy prescribes";
    case MessageVerdict::ContradictsPolicy: return "the message contradicts the policy";
    case MessageVerdict::NotProse: return "the message is a keyword list, not an explanation to the customer";
    case MessageVerdict::ForeignFix: return "the message prescribes fixes from unrelated articles (keyword stuffing)";
  }
  return "";
}

MessageVerdict Grader_CheckMessage(const ScenarioSet& set, const Mission& mission,
                                   std::string_view message, std::string* scratch) {
  const Requirements& req = mission.requirements;
  if (Text_IsBlank(message)) {
    return req.message_must_state.empty() ? MessageVerdict::Ok : MessageVerdict::MissingFix;
  }
  Text norm;
  Text_Normalize(message, scratch, &norm.signature);
  norm.normalized = *scratch;
  for (const Phrase& phrase : req.message_must_not_state) {
    if (Asserted(norm, phrase)) return MessageVerdict::ContradictsPolicy;
  }
  if (req.message_must_state.empty()) return MessageVerdict::Ok;  // a free-form note
  if (!ReadsAsProse(message)) return MessageVerdict::NotProse;
  for (std::size_t a = 0; a < set.kb.articles.size(); ++a) {
    if (!IsRelevant(mission, static_cast<int>(a)) && AllGroupsHold(norm, set.kb.articles[a].fix)) {
      return MessageVerdict::ForeignFix;
    }
  }
  for (const auto& group : req.message_must_state) {
    if (!GroupHolds(norm, group)) return MessageVerdict::MissingFix;
  }
  return MessageVerdict::Ok;
}

}  // namespace support_env
