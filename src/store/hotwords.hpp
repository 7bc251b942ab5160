#pragma once
// The hotwords repository (tables hotword_sets, hotwords): words a tenant wants recognised.
#include <string>
#include <vector>

#include "db/database.hpp"

namespace minutes {

/// The words of set `set_id`, heaviest first, those without a weight last, then alphabetically
/// (empty: no such set). The same order on every backend.
Result<std::vector<std::string>> HotwordsOfSet(Database& db, const std::string& set_id);

}  // namespace minutes
