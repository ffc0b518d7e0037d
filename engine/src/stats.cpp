#include "support_env/stats.h"

namespace support_env {

void Stats_Clear(EpisodeStats* stats) { *stats = EpisodeStats{}; }

bool Stats_AddEpisode(EpisodeStats* stats, const Episode& ep) {
  if (ep.mission == nullptr || !ep.done) return false;
  ++stats->episodes;
  stats->successes += ep.success ? 1 : 0;
  stats->score += ep.cumulative;
  stats->steps += ep.step_count;
  stats->invalid_actions += ep.invalid_actions;
  ++stats->outcomes[static_cast<int>(ep.outcome)];
  return true;
}

void Stats_Merge(EpisodeStats* into, const EpisodeStats& from) {
  into->episodes += from.episodes;
  into->successes += from.successes;
  into->score += from.score;
  into->steps += from.steps;
  into->invalid_actions += from.invalid_actions;
  for (int i = 0; i < kOutcomeCount; ++i) into->outcomes[i] += from.outcomes[i];
}

}  // namespace support_env
