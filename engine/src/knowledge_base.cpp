#include "support_env/knowledge_base.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "fnv.h"
#include "support_env/text.h"

namespace support_env {
namespace {

constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
constexpr int kTitleWeight = 2;
constexpr int kKeywordWeight = 3;
// Scores are summed as integers (millionths) so that ranking is bit-identical
// natively and in WebAssembly, whatever the two libm's log() return in the last ulp.
constexpr double kScoreScale = 1e6;

std::uint64_t HashToken(std::string_view s) { return Fnv1a<std::uint64_t>(s); }

// Calls fn(stem) for each non-stopword token of s.
template <typename Fn>
void ForEachStem(std::string_view s, Fn&& fn) {
  Text_ForEachToken(s, [&](std::string_view token) {
    if (Text_IsStopword(token)) return;
    char buf[64];
    fn(Text_Stem(token, buf, sizeof buf));
  });
}

int FindTerm(const KnowledgeBase& kb, std::string_view stem) {
  std::uint64_t h = HashToken(stem);
  auto it = std::lower_bound(kb.terms.begin(), kb.terms.end(), h,
                             [](const KnowledgeBase::Term& t, std::uint64_t v) { return t.hash < v; });
  for (; it != kb.terms.end() && it->hash == h; ++it) {
    if (it->text == stem) return static_cast<int>(it - kb.terms.begin());
  }
  return -1;
}

}  // namespace

void KnowledgeBase_Build(KnowledgeBase* kb) {
  struct Occurrence { std::uint64_t hash; std::string text; std::uint16_t article; int count; };
  std::vector<Occurrence> occ;
  std::vector<double> doc_len(kb->articles.size(), 0.0);

  for (std::size_t a = 0; a < kb->articles.size(); ++a) {
    const KbArticle& art = kb->articles[a];
    auto add = [&](std::string_view s, int weight) {
      ForEachStem(s, [&](std::string_view stem) {
        occ.push_back({HashToken(stem), std::string(stem), static_cast<std::uint16_t>(a), weight});
        doc_len[a] += weight;
      });
    };
    add(art.title, kTitleWeight);
    for (const std::string& k : art.keywords) add(k, kKeywordWeight);
    add(art.text, 1);
  }

  std::sort(occ.begin(), occ.end(), [](const Occurrence& x, const Occurrence& y) {
    if (x.hash != y.hash) return x.hash < y.hash;
    if (x.text != y.text) return x.text < y.text;
    return x.article < y.article;
  });

  double n_docs = static_cast<double>(kb->articles.size());
  double avg_len = 0;
  for (double l : doc_len) avg_len += l;
  avg_len = n_docs > 0 ? avg_len / n_docs : 1.0;
  if (avg_len <= 0) avg_len = 1.0;

  kb->terms.clear();
  kb->postings.clear();
  for (std::size_t i = 0; i < occ.size();) {
    std::size_t j = i;
    while (j < occ.size() && occ[j].hash == occ[i].hash && occ[j].text == occ[i].text) ++j;
    // Term frequency per article within [i, j).
    KnowledgeBase::Term term{occ[i].hash, occ[i].text, static_cast<std::uint32_t>(kb->postings.size()), 0};
    std::size_t df = 0;
    for (std::size_t k = i; k < j;) {
      std::size_t m = k;
      while (m < j && occ[m].article == occ[k].article) ++m;
      ++df;
      k = m;
    }
    double idf = std::log(1.0 + (n_docs - static_cast<double>(df) + 0.5) / (static_cast<double>(df) + 0.5));
    for (std::size_t k = i; k < j;) {
      std::size_t m = k;
      double tf = 0;
      while (m < j && occ[m].article == occ[k].article) tf += occ[m++].count;
      double norm = kK1 * (1.0 - kB + kB * doc_len[occ[k].article] / avg_len);
      double w = idf * tf * (kK1 + 1.0) / (tf + norm);
      kb->postings.push_back({occ[k].article, static_cast<std::int32_t>(std::llround(w * kScoreScale))});
      ++term.count;
      k = m;
    }
    kb->terms.push_back(std::move(term));
    i = j;
  }
}

SearchResult KnowledgeBase_Search(const KnowledgeBase& kb, std::string_view query) {
  constexpr std::size_t kStackArticles = 1024;
  constexpr int kMaxQueryTerms = 64;
  std::int64_t stack_scores[kStackArticles];
  std::vector<std::int64_t> heap_scores;
  std::int64_t* scores = stack_scores;
  std::size_t n = kb.articles.size();
  if (n > kStackArticles) {
    heap_scores.resize(n);
    scores = heap_scores.data();
  }
  std::fill(scores, scores + n, 0);

  int seen[kMaxQueryTerms];
  int seen_count = 0;
  bool any_word = false;
  ForEachStem(query, [&](std::string_view stem) {
    any_word = true;
    int t = FindTerm(kb, stem);
    if (t < 0) return;
    // Each distinct query term counts once: repeating a word does not boost it.
    for (int i = 0; i < seen_count; ++i) if (seen[i] == t) return;
    if (seen_count == kMaxQueryTerms) return;
    seen[seen_count++] = t;
    const KnowledgeBase::Term& term = kb.terms[static_cast<std::size_t>(t)];
    for (std::uint32_t p = term.first; p < term.first + term.count; ++p) {
      scores[kb.postings[p].article] += kb.postings[p].weight;
    }
  });

  SearchResult r;
  if (!any_word) return r;  // EmptyQuery: nothing but punctuation or stopwords
  r.status = SearchStatus::NoMatch;
  std::int64_t best = 0;
  for (std::size_t a = 0; a < n; ++a) {
    if (scores[a] > best) {  // strict: ties keep the earlier article
      best = scores[a];
      r.article = static_cast<int>(a);
    }
  }
  if (r.article >= 0) {
    r.status = SearchStatus::Found;
    r.score = static_cast<double>(best) / kScoreScale;
  }
  return r;
}

int KnowledgeBase_Find(const KnowledgeBase& kb, std::string_view id) {
  for (std::size_t i = 0; i < kb.articles.size(); ++i) {
    if (kb.articles[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace support_env
