#include "asr/media_stage.hpp"

#include <fstream>
#include <random>

namespace minutes {

Result<std::unique_ptr<MediaStage>> MediaStage::Open(const TranscriberOptions& o,
                                                     const std::string& provider) {
  if (o.media_store.rfind("s3://", 0) != 0)
    return Status::BadInput(provider +
                            " fetches the recording from object storage: set storage to an "
                            "s3://… bucket the provider can read (for Amazon Transcribe, in the "
                            "same region)");
  auto store = OpenObjectStore(o.media_store, o.media_access_key, o.media_secret_key);
  if (!store.ok()) return store.status();
  return std::unique_ptr<MediaStage>(new MediaStage(std::move(*store)));
}

Result<StagedMedia> MediaStage::Put(const std::string& wav_path, int url_expires_s) {
  static const char* kHex = "0123456789abcdef";
  std::random_device rd;
  std::string id;
  for (int i = 0; i < 24; ++i) id += kHex[rd() % 16];
  StagedMedia m;
  m.key = "asr-media/" + id + ".wav";
  std::ifstream in(wav_path, std::ios::binary);
  if (!in) return Status::Io("cannot read " + wav_path);
  auto put = store_->Put(m.key, in, int64_t{1} << 40);
  if (!put.ok()) return put.status();
  m.s3_uri = store_->S3Uri(m.key);
  m.url = store_->PresignGet(m.key, url_expires_s);
  return m;
}

void MediaStage::Remove(const StagedMedia& media) {
  if (!media.key.empty()) (void)store_->Delete(media.key);
}

}  // namespace minutes
