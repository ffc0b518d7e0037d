#include "support_env/scenario.h"

namespace support_env {

int ScenarioSet_FindMission(const ScenarioSet& set, std::string_view task_id) {
  for (std::size_t i = 0; i < set.missions.size(); ++i) {
    if (set.missions[i].task_id == task_id) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace support_env
