#pragma once
// whisper.cpp's ggml models on local disk: the official ones by name (with the SHA-256 each
// must have), what is installed in a models directory, and pulling one from the official
// Hugging Face repository or a mirror — resumed where an interrupted pull stopped, verified
// before it is installed, so a models directory never holds a partial or corrupt model under
// its real name.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/status.hpp"

namespace minutes {

/// One official model: its name ("base.en", "small-q5_1"), file size and SHA-256.
struct ModelInfo {
  std::string name;
  int64_t bytes = 0;   ///< 0 = not in the table (then only the digest is checked)
  std::string sha256;  ///< lower-case hex
};

/// The official models this build knows, smallest first.
const std::vector<ModelInfo>& ModelCatalog();

/// The catalog entry for `name`, or nullptr.
const ModelInfo* FindModel(const std::string& name);

/// "ggml-<name>.bin".
std::string ModelFileName(const std::string& name);

/// The official repository's download base (files are <base>/ggml-<name>.bin).
inline constexpr const char* kDefaultModelsUrl =
    "https://huggingface.co/ggerganov/whisper.cpp/resolve/main";

/// A model file found in a models directory.
struct InstalledModel {
  std::string name, path;
  int64_t bytes = 0;
  bool known = false;  ///< in the catalog
};

/// The ggml-*.bin files in `dir` (none when it does not exist), by name.
std::vector<InstalledModel> InstalledModels(const std::string& dir);

/// Bytes of an interrupted pull of `name` waiting in `dir` to be resumed (0 when none).
int64_t PartialBytes(const std::string& dir, const std::string& name);

struct PullOptions {
  std::string dir;                           ///< the models directory (created when missing)
  std::string base_url = kDefaultModelsUrl;  ///< a mirror keeps the same file names
  /// Called as bytes arrive: (bytes on disk, total bytes or 0 when unknown).
  std::function<void(int64_t, int64_t)> progress;
  /// A transfer slower than 1 byte/s for this long is abandoned (and can be resumed).
  int stall_seconds = 60;
};

struct PullResult {
  std::string path;
  int64_t bytes = 0;
  int64_t resumed_from = 0;  ///< bytes an earlier pull had already fetched
  bool already = false;      ///< was installed and verified; nothing fetched
};

/// Pulls `model` into `o.dir` as ggml-<name>.bin: fetched into ggml-<name>.bin.part (resumed
/// with a Range request when one is there), checked against the size and SHA-256, then renamed
/// into place. A failed transfer keeps the .part for the next pull to resume; a file that fails
/// verification is deleted. Errors say which of these happened.
Result<PullResult> PullModel(const ModelInfo& model, const PullOptions& o);

/// Checks a file against `model`'s size and digest; BadInput saying what differs.
Status VerifyModelFile(const std::string& path, const ModelInfo& model);

/// Removes ggml-<name>.bin and any partial pull of it; NotFound when neither is there.
Status RemoveModel(const std::string& dir, const std::string& name);

}  // namespace minutes
