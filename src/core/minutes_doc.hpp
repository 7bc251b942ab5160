#pragma once
// The minutes document: what a generator produces and templates render.
#include <string>
#include <vector>

namespace minutes {

/// A decision taken in the meeting, with where it was said.
struct Decision {
  std::string text;
  std::string speaker;  ///< speaker id ("S1") who stated it
  std::string segment;  ///< segment id
};

/// Something someone has to do.
struct ActionItem {
  std::string text;
  std::string owner;  ///< display name or speaker id of who does it
  std::string due;    ///< due phrase as said ("by Friday"), or empty
  std::string segment;
};

/// Per-speaker statistics in the minutes.
struct SpeakerStat {
  std::string id;
  std::string name;  ///< display name (the id when unnamed)
  double talk_time = 0;
  double share = 0;  ///< fraction of total talk time, 0..1
};

/// Minutes of one meeting.
struct MinutesDoc {
  std::string title;
  std::vector<std::string> summary;
  std::vector<Decision> decisions;
  std::vector<ActionItem> action_items;
  std::vector<std::string> topics;
  std::vector<SpeakerStat> speakers;
};

}  // namespace minutes
