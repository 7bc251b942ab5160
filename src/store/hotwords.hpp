#pragma once
// The hotwords repository (tables hotword_sets, hotwords): words a tenant wants recognised.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace minutes {

/// The words of set `set_id`, heaviest first, those without a weight last, then alphabetically
/// (empty: no such set). The same order on every backend.
Result<std::vector<std::string>> HotwordsOfSet(Database& db, const std::string& set_id);

/// One word of a set.
struct HotwordRow {
  std::string word;
  std::optional<double> weight;  ///< nullopt: none
};

/// The words of set `set_id` with their weights, alphabetically.
Result<std::vector<HotwordRow>> ListHotwords(Database& db, const std::string& set_id);

/// Replaces the words of set `set_id` with `words` (distinct words). Run it in a transaction.
Status ReplaceHotwords(Database& tx, const std::string& set_id,
                       const std::vector<HotwordRow>& words);

/// One row of hotword_sets.
struct HotwordSetRow {
  std::string id, name, created_at;
};

/// The set `set_id` if it belongs to tenant `tenant_id`, or nullopt.
Result<std::optional<HotwordSetRow>> FindTenantHotwordSet(Database& db, const std::string& set_id,
                                                          const std::string& tenant_id);

/// Whether the tenant has a set named `name` other than `except_id` ("" = any).
Result<bool> HotwordSetNameTaken(Database& db, const std::string& tenant_id,
                                 const std::string& name, const std::string& except_id);

/// A set with the number of its words.
struct HotwordSetSummary {
  std::string id, name, created_at;
  int64_t word_count = 0;
};

/// The tenant's sets, by name.
Result<std::vector<HotwordSetSummary>> ListHotwordSets(Database& db, const std::string& tenant_id);

/// Adds an empty set.
Status InsertHotwordSet(Database& db, const HotwordSetRow& set, const std::string& tenant_id);

/// Renames set `set_id`.
Status RenameHotwordSet(Database& db, const std::string& set_id, const std::string& name);

/// Deletes set `set_id` and its words; the tasks that used it keep their results and no longer
/// point at it. Run it in a transaction.
Status DeleteHotwordSet(Database& tx, const std::string& set_id);

/// Whether tenant `tenant_id` has the set `set_id`.
Result<bool> TenantHasHotwordSet(Database& db, const std::string& set_id,
                                 const std::string& tenant_id);
}  // namespace minutes
