#pragma once
// Where whole-recording providers fetch the audio from. Amazon Transcribe reads S3 itself and
// Volcano Engine downloads from a URL, so the recording (16 kHz WAV) is put in the service's
// object store under "asr-media/", handed over as an s3:// URI or a presigned https URL, and
// removed when the provider's job has ended.
#include <memory>
#include <string>

#include "asr/transcriber.hpp"
#include "storage/object_store.hpp"

namespace minutes {

struct StagedMedia {
  std::string key;     ///< the object's key in the store
  std::string s3_uri;  ///< "s3://bucket/prefix/key"
  std::string url;     ///< presigned GET, valid for `url_expires_s`
};

class MediaStage {
 public:
  /// Opens `options.media_store`; BadInput (naming `provider`) when none is configured or the
  /// store cannot hand the provider the audio (a local directory has no s3:// URI or URL).
  static Result<std::unique_ptr<MediaStage>> Open(const TranscriberOptions& options,
                                                  const std::string& provider);
  Result<StagedMedia> Put(const std::string& wav_path, int url_expires_s = 6 * 3600);
  void Remove(const StagedMedia& media);

 private:
  explicit MediaStage(std::unique_ptr<ObjectStore> store) : store_(std::move(store)) {}
  std::unique_ptr<ObjectStore> store_;
};

}  // namespace minutes
