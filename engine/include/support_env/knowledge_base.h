// Knowledge base with Okapi BM25 retrieval over each article's title, keywords
// and text. Built once at load; Search allocates nothing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "support_env/lexicon.h"
#include "support_env/text.h"

namespace support_env {

/// A policy article (scenarios/kb/*.json).
struct KbArticle {
  std::string id;
  std::string title;
  std::string text;
  std::vector<std::string> keywords;
  std::vector<StepSpec> fix;   // the steps it prescribes (a message naming them answers this article)
};

/// Articles plus their inverted index. Fields after `articles` are derived by
/// KnowledgeBase_Build and must not be edited by hand.
struct KnowledgeBase {
  std::vector<KbArticle> articles;

  struct Posting { std::uint16_t article; std::int32_t weight; };  // BM25 weight in millionths
  struct Term { std::uint64_t hash; std::string text; std::uint32_t first, count; };
  std::vector<Term> terms;          // sorted by hash
  std::vector<Posting> postings;    // grouped by term
};

/// Why a search found nothing, or that it found something.
enum class SearchStatus : std::uint8_t { Found, EmptyQuery, NoMatch };

struct SearchResult {
  SearchStatus status = SearchStatus::EmptyQuery;
  int article = -1;       // index into articles when Found
  double score = 0.0;     // BM25 score of the winner (not part of the wire format)
};

/// Builds the BM25 index (k1 = 1.2, b = 0.75; title words count twice and
/// keywords three times, so that what an article is about outweighs its prose).
void KnowledgeBase_Build(KnowledgeBase* kb);

/// Ranks the articles for a free-text query and returns the best one. Ties go
/// to the article listed first, so results are deterministic.
SearchResult KnowledgeBase_Search(const KnowledgeBase& kb, std::string_view query);

/// Index of the article with this id, or -1.
int KnowledgeBase_Find(const KnowledgeBase& kb, std::string_view id);

}  // namespace support_env
