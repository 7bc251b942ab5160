#include "export/zip_writer.hpp"

#include <zip.h>

#include <ctime>

namespace minutes {
namespace {

struct SourceFree {
  void operator()(zip_source_t* s) const { zip_source_free(s); }
};
struct ArchiveDiscard {
  void operator()(zip_t* z) const { zip_discard(z); }
};
using SourcePtr = std::unique_ptr<zip_source_t, SourceFree>;
using ArchivePtr = std::unique_ptr<zip_t, ArchiveDiscard>;

// libzip stores local time in the archive's DOS fields: the time_t of 2026-01-01 00:00 here
// gives 2026-01-01 00:00 in the archive whatever the time zone.
time_t FixedTime() {
  std::tm tm{};
  tm.tm_year = 2026 - 1900;
  tm.tm_mon = 0;
  tm.tm_mday = 1;
  tm.tm_isdst = -1;
  return std::mktime(&tm);
}

Status ZipError(const char* what, zip_t* archive) {
  return Status::Internal(std::string("zip: ") + what + ": " + zip_strerror(archive));
}

}  // namespace

void ZipWriter::Add(std::string name, std::string content) {
  members_.emplace_back(std::move(name), std::move(content));
}

Result<std::string> ZipWriter::Finish() const {
  zip_error_t error;
  zip_error_init(&error);
  SourcePtr buffer(zip_source_buffer_create(nullptr, 0, 0, &error));
  if (!buffer) return Status::Internal(std::string("zip: ") + zip_error_strerror(&error));
  ArchivePtr archive(zip_open_from_source(buffer.get(), ZIP_TRUNCATE, &error));
  if (!archive) {
    Status s = Status::Internal(std::string("zip: ") + zip_error_strerror(&error));
    zip_error_fini(&error);
    return s;
  }
  zip_source_keep(buffer.get());  // the archive's close must leave the written bytes to us
  const time_t mtime = FixedTime();
  for (const auto& [name, content] : members_) {
    // Not copied: members_ outlives zip_close below.
    zip_source_t* source = zip_source_buffer(archive.get(), content.data(), content.size(), 0);
    if (source == nullptr) return ZipError("adding a member", archive.get());
    zip_int64_t index =
        zip_file_add(archive.get(), name.c_str(), source, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    if (index < 0) {
      zip_source_free(source);
      return ZipError("adding a member", archive.get());
    }
    auto i = static_cast<zip_uint64_t>(index);
    if (zip_set_file_compression(archive.get(), i, ZIP_CM_DEFLATE, 0) != 0 ||
        zip_file_set_mtime(archive.get(), i, mtime, 0) != 0)
      return ZipError("setting a member's compression and time", archive.get());
  }
  if (zip_close(archive.get()) != 0) return ZipError("writing", archive.get());
  (void)archive.release();  // closed and freed by zip_close
  zip_stat_t stat;
  if (zip_source_open(buffer.get()) != 0) return Status::Internal("zip: cannot read the archive");
  zip_stat_init(&stat);
  std::string out;
  if (zip_source_stat(buffer.get(), &stat) == 0 && (stat.valid & ZIP_STAT_SIZE)) {
    out.resize(stat.size);
    zip_int64_t n = zip_source_read(buffer.get(), out.data(), stat.size);
    out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  }
  zip_source_close(buffer.get());
  if (out.empty()) return Status::Internal("zip: the archive came out empty");
  return out;
}

}  // namespace minutes
