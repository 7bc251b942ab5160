#include "diarize/sherpa_runtime.hpp"

#include <limits>
#include <map>
#include <mutex>
#include <string>

#include "core/shared_library.hpp"
#include "diarize/onnx_metadata.hpp"

namespace minutes {
namespace {

struct LoadedSherpa {
  SherpaApi api;
  Status status;
};

LoadedSherpa OpenSherpa(const std::string& library) {
  LoadedSherpa out;
  auto lib = SharedLibrary::Open(library.c_str(), "sherpa-onnx");
  if (!lib.ok()) return {{}, lib.status()};
#define MINUTES_SHERPA_RESOLVE(name) \
  if (out.status = lib->Resolve(#name, &out.api.name); !out.status.ok()) return out;
  MINUTES_SHERPA_FUNCTIONS(MINUTES_SHERPA_RESOLVE)
#undef MINUTES_SHERPA_RESOLVE
  // The structs of sherpa_api.hpp are this version's; another could read them wrongly.
  std::string version = out.api.SherpaOnnxGetVersionStr();
  if (version != kSherpaVersion)
    out.status = Status::Unavailable(library + " is sherpa-onnx " + version + ", minutes needs " +
                                     kSherpaVersion);
  return out;
}

}  // namespace

Result<const SherpaApi*> LoadSherpa(const std::string& library) {
  static std::mutex mu;
  static auto* loaded = new std::map<std::string, LoadedSherpa>;  // lives as long as the process
  std::lock_guard lock(mu);
  auto it = loaded->find(library);
  if (it == loaded->end()) it = loaded->emplace(library, OpenSherpa(library)).first;
  if (!it->second.status.ok()) return it->second.status;
  return &it->second.api;
}

Result<std::unique_ptr<SherpaDiarization>> SherpaDiarization::Create(
    const SherpaApi& api, const SherpaDiarizationParams& p) {
  // Checked here because sherpa-onnx ends the process on a model without the metadata it needs.
  if (Status s = CheckSegmentationModel(p.segmentation_model); !s.ok()) return s;
  if (Status s = CheckEmbeddingModel(p.embedding_model); !s.ok()) return s;
  SherpaOnnxOfflineSpeakerDiarizationConfig c{};
  c.segmentation.pyannote.model = p.segmentation_model.c_str();
  c.segmentation.num_threads = p.threads;
  c.segmentation.provider = "cpu";
  c.embedding.model = p.embedding_model.c_str();
  c.embedding.num_threads = p.threads;
  c.embedding.provider = "cpu";
  c.clustering.num_clusters = p.num_speakers > 0 ? p.num_speakers : -1;
  c.clustering.threshold = p.threshold;
  c.min_duration_on = p.min_duration_on;
  c.min_duration_off = p.min_duration_off;
  const SherpaOnnxOfflineSpeakerDiarization* sd = api.SherpaOnnxCreateOfflineSpeakerDiarization(&c);
  if (!sd)
    return Status::FailedPrecondition("sherpa-onnx refused the diarization models '" +
                                      p.segmentation_model + "' and '" + p.embedding_model + "'");
  return std::unique_ptr<SherpaDiarization>(new SherpaDiarization(api, sd));
}

SherpaDiarization::~SherpaDiarization() { api_.SherpaOnnxDestroyOfflineSpeakerDiarization(sd_); }

int SherpaDiarization::SampleRate() const {
  return api_.SherpaOnnxOfflineSpeakerDiarizationGetSampleRate(sd_);
}

Status SherpaDiarization::SetClustering(int num_speakers, float threshold) {
  if (num_speakers <= 0 && !(threshold > 0 && threshold < 2))
    return Status::BadInput("diarization threshold must be in (0, 2), not " +
                            std::to_string(threshold));
  SherpaOnnxOfflineSpeakerDiarizationConfig c{};
  c.clustering.num_clusters = num_speakers > 0 ? num_speakers : -1;
  c.clustering.threshold = threshold;
  api_.SherpaOnnxOfflineSpeakerDiarizationSetConfig(sd_, &c);
  return Status::Ok();
}

Result<std::vector<SherpaSegment>> SherpaDiarization::Process(
    const std::vector<float>& samples) const {
  if (samples.empty()) return std::vector<SherpaSegment>{};
  if (samples.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max()))
    return Status::TooLarge("recording too long for sherpa-onnx's diarization");
  // The result and the sorted copy are the library's allocations; each has its own free function.
  std::unique_ptr<const SherpaOnnxOfflineSpeakerDiarizationResult,
                  decltype(api_.SherpaOnnxOfflineSpeakerDiarizationDestroyResult)>
      result(api_.SherpaOnnxOfflineSpeakerDiarizationProcess(sd_, samples.data(),
                                                             static_cast<int32_t>(samples.size())),
             api_.SherpaOnnxOfflineSpeakerDiarizationDestroyResult);
  if (!result) return Status::Internal("sherpa-onnx's diarization returned no result");
  int32_t n = api_.SherpaOnnxOfflineSpeakerDiarizationResultGetNumSegments(result.get());
  std::vector<SherpaSegment> out;
  if (n <= 0) return out;
  std::unique_ptr<const SherpaOnnxOfflineSpeakerDiarizationSegment,
                  decltype(api_.SherpaOnnxOfflineSpeakerDiarizationDestroySegment)>
      sorted(api_.SherpaOnnxOfflineSpeakerDiarizationResultSortByStartTime(result.get()),
             api_.SherpaOnnxOfflineSpeakerDiarizationDestroySegment);
  if (!sorted) return Status::Internal("sherpa-onnx's diarization returned no segments");
  out.reserve(n);
  for (int32_t i = 0; i < n; ++i)
    out.push_back({sorted.get()[i].start, sorted.get()[i].end, sorted.get()[i].speaker});
  return out;
}

}  // namespace minutes
