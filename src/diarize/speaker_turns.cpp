#include <map>

#include "diarize/diarizer.hpp"

namespace minutes {

std::vector<SpeakerTurn> RenumberByFirstAppearance(std::vector<SpeakerTurn> turns) {
  std::map<int, int> order;
  for (auto& t : turns) {
    auto it = order.find(t.speaker);
    if (it == order.end()) it = order.emplace(t.speaker, static_cast<int>(order.size())).first;
    t.speaker = it->second;
  }
  return turns;
}

}  // namespace minutes
