#include "diarize/onnx_metadata.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

namespace minutes {
namespace {

// ModelProto.metadata_props and StringStringEntryProto's fields (onnx/onnx.proto).
constexpr uint64_t kMetadataProps = 14;
constexpr uint64_t kEntryKey = 1;
constexpr uint64_t kEntryValue = 2;
constexpr uint64_t kMaxEntryBytes = 1 << 20;

// Protocol-buffer wire format, just enough to walk a message's top-level fields.
class WireReader {
 public:
  explicit WireReader(std::istream* in) : in_(in) {}

  std::optional<uint64_t> Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int c = in_->get();
      if (c == EOF) return std::nullopt;
      v |= static_cast<uint64_t>(c & 0x7f) << shift;
      if (!(c & 0x80)) return v;
    }
    return std::nullopt;
  }

  // Skips a field of `wire_type`; false when malformed.
  bool Skip(uint64_t wire_type) {
    switch (wire_type) {
      case 0:
        return Varint().has_value();
      case 1:
        return static_cast<bool>(in_->seekg(8, std::ios::cur));
      case 2: {
        auto n = Varint();
        return n && static_cast<bool>(in_->seekg(static_cast<std::streamoff>(*n), std::ios::cur));
      }
      case 5:
        return static_cast<bool>(in_->seekg(4, std::ios::cur));
      default:
        return false;
    }
  }

 private:
  std::istream* in_;
};

// Parses one StringStringEntryProto.
bool ParseEntry(const std::string& bytes, std::string* key, std::string* value) {
  std::istringstream in(bytes);
  WireReader r(&in);
  while (in.peek() != EOF) {
    auto tag = r.Varint();
    if (!tag) return false;
    if ((*tag & 7) == 2 && ((*tag >> 3) == kEntryKey || (*tag >> 3) == kEntryValue)) {
      auto n = r.Varint();
      if (!n || *n > bytes.size()) return false;
      std::string s(*n, '\0');
      if (!in.read(s.data(), static_cast<std::streamsize>(*n))) return false;
      ((*tag >> 3) == kEntryKey ? *key : *value) = std::move(s);
    } else if (!r.Skip(*tag & 7)) {
      return false;
    }
  }
  return true;
}

Status Refuse(const std::string& path, const std::string& why) {
  return Status::FailedPrecondition("diarization model '" + path + "' " + why);
}

// A whole non-negative number, as sherpa-onnx reads it.
std::optional<int> Int(const std::map<std::string, std::string>& m, const std::string& key) {
  auto it = m.find(key);
  if (it == m.end() || it->second.empty()) return std::nullopt;
  size_t used = 0;
  int v = 0;
  try {
    v = std::stoi(it->second, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used != it->second.size() || v < 0) return std::nullopt;
  return v;
}

Result<std::map<std::string, int>> Ints(const std::string& path,
                                        const std::map<std::string, std::string>& m,
                                        std::initializer_list<const char*> keys) {
  std::map<std::string, int> out;
  for (const char* key : keys) {
    auto v = Int(m, key);
    if (!v) return Refuse(path, std::string("lacks the metadata '") + key + "' (a whole number)");
    out[key] = *v;
  }
  return out;
}

}  // namespace

Result<std::map<std::string, std::string>> ReadOnnxMetadata(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return Status::NotFound("diarization model '" + path + "' not found");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot read '" + path + "'");
  WireReader r(&in);
  std::map<std::string, std::string> out;
  bool any_field = false;
  while (in.peek() != EOF) {
    auto tag = r.Varint();
    if (!tag || (*tag >> 3) == 0) return Refuse(path, "is not an ONNX model");
    any_field = true;
    if ((*tag >> 3) == kMetadataProps && (*tag & 7) == 2) {
      auto n = r.Varint();
      if (!n || *n > kMaxEntryBytes) return Refuse(path, "is not an ONNX model");
      std::string bytes(*n, '\0');
      if (!in.read(bytes.data(), static_cast<std::streamsize>(*n)))
        return Refuse(path, "is not an ONNX model");
      std::string key, value;
      if (!ParseEntry(bytes, &key, &value)) return Refuse(path, "is not an ONNX model");
      out[key] = value;
    } else if (!r.Skip(*tag & 7)) {
      return Refuse(path, "is not an ONNX model");
    }
  }
  if (!any_field) return Refuse(path, "is empty");
  return out;
}

Status CheckSegmentationModel(const std::string& path) {
  auto meta = ReadOnnxMetadata(path);
  if (!meta.ok()) return meta.status();
  auto v = Ints(path, *meta,
                {"sample_rate", "window_size", "receptive_field_size", "receptive_field_shift",
                 "num_speakers", "powerset_max_classes", "num_classes"});
  if (!v.ok()) return v.status();
  auto& n = *v;
  if (n["sample_rate"] == 0 || n["window_size"] == 0 || n["receptive_field_shift"] == 0 ||
      n["num_speakers"] == 0)
    return Refuse(path,
                  "has a zero sample_rate, window_size, receptive_field_shift or num_speakers");
  // sherpa-onnx maps powerset classes for up to two speakers at once (and ends the process above).
  int speakers = n["num_speakers"], most = n["powerset_max_classes"];
  if (most < 1 || most > 2) return Refuse(path, "has powerset_max_classes other than 1 or 2");
  int classes = 1 + speakers + (most == 2 ? speakers * (speakers - 1) / 2 : 0);
  if (n["num_classes"] != classes)
    return Refuse(path, "has num_classes " + std::to_string(n["num_classes"]) + ", not the " +
                            std::to_string(classes) + " its speakers make");
  return Status::Ok();
}

Status CheckEmbeddingModel(const std::string& path) {
  auto meta = ReadOnnxMetadata(path);
  if (!meta.ok()) return meta.status();
  auto framework = meta->find("framework");
  if (framework == meta->end() ||
      (framework->second != "wespeaker" && framework->second != "3d-speaker"))
    return Refuse(path, "is not a wespeaker or 3d-speaker model (metadata 'framework')");
  auto v = Ints(path, *meta, {"output_dim", "sample_rate", "normalize_samples"});
  if (!v.ok()) return v.status();
  if ((*v)["output_dim"] == 0) return Refuse(path, "has output_dim 0");
  if (auto it = meta->find("language"); it == meta->end() || it->second.empty())
    return Refuse(path, "lacks the metadata 'language'");
  if (auto it = meta->find("feature_normalize_type");
      it != meta->end() && !it->second.empty() && it->second != "global-mean")
    return Refuse(path, "has feature_normalize_type '" + it->second + "' (known: global-mean)");
  return Status::Ok();
}

}  // namespace minutes
