// Episode statistics, kept the way PufferLib's Ocean environments keep their
// `Log`: a fixed struct of sums and counts, one episode added as it ends,
// read (and divided into means) by whoever reports them, cleared by the
// reader. Plain C++17, no I/O; adding an episode allocates nothing.
#pragma once

#include <cstdint>

#include "support_env/episode.h"
#include "support_env/types.h"

namespace support_env {

/// Sums over finished episodes (one mission's, or any set of them).
struct EpisodeStats {
  std::int64_t episodes = 0;
  std::int64_t successes = 0;                 // episodes whose terminal action earned +0.90
  std::int64_t score = 0;                     // sum of episode scores, in Cents
  std::int64_t steps = 0;                     // sum of steps taken, invalid ones included
  std::int64_t invalid_actions = 0;           // sum of invalid actions
  std::int64_t outcomes[kOutcomeCount] = {};  // episodes per Outcome; [Outcome::None] stays 0
};

/// Empties *stats.
void Stats_Clear(EpisodeStats* stats);

/// Adds a finished episode to *stats; returns false, adding nothing, while `ep` still runs.
bool Stats_AddEpisode(EpisodeStats* stats, const Episode& ep);

/// Adds every sum and count of `from` to *into (the overall figures of several missions).
void Stats_Merge(EpisodeStats* into, const EpisodeStats& from);

/// The number of episodes that ended with outcome `o`.
inline std::int64_t Stats_Outcome(const EpisodeStats& stats, Outcome o) { return stats.outcomes[static_cast<int>(o)]; }

}  // namespace support_env
