#pragma once
// The uploads repository (table uploads): direct uploads, as far as the sweeper reads them.
#include <string>
#include <vector>

#include "db/database.hpp"

namespace minutes {

/// A direct upload still open past its expiry.
struct ExpiredUpload {
  std::string id;
  std::string storage_key;      ///< the object it was to become
  std::string store_upload_id;  ///< the object store's multipart upload
};

/// The uploads still open whose expires_at is before `now` (ISO 8601, as core/clock.hpp writes).
Result<std::vector<ExpiredUpload>> FindExpiredUploads(Database& db, const std::string& now);

/// Marks the upload expired, if it is still open.
Status MarkUploadExpired(Database& db, const std::string& upload_id);

}  // namespace minutes
