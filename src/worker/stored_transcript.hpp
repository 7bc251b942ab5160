#pragma once
// A task's transcript as stored (tables transcripts, segments, speaker_names).
#include <string>

#include "core/transcript.hpp"
#include "db/database.hpp"

namespace minutes {

/// The stored transcript of a task with its speaker names applied; NotFound until ready.
Result<Transcript> LoadTranscript(Database& db, const std::string& task_id);

}  // namespace minutes
