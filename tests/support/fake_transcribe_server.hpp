#pragma once
// Amazon Transcribe for tests: the JSON 1.1 protocol its API reference documents (POST /,
// X-Amz-Target: Transcribe.<Operation>, Content-Type: application/x-amz-json-1.1) for
// StartTranscriptionJob, GetTranscriptionJob, DeleteTranscriptionJob, CreateVocabulary and
// GetVocabulary, each request's fields checked (unknown ones, missing required ones and the
// documented rules between them are a BadRequestException and a recorded violation), every
// request's SigV4 signature verified (service "transcribe"). A job reads its media from the
// S3-compatible server it is given (as Transcribe reads S3), fails the way Transcribe does when
// the object is missing or not the declared format, goes QUEUED → IN_PROGRESS → COMPLETED over
// the polls, and its transcript JSON — the script's words inside the audio's duration, with
// punctuation items and speaker labels — is served from a presigned-looking URL.
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "net/sigv4.hpp"
#include "received_request.hpp"
#include "scripted_speech.hpp"

namespace Poco::Net {
class HTTPServerResponse;
}

namespace minutes::testing {

class FakeHttpServer;

struct TranscribeJob {
  nlohmann::json request;
  int polls = 0;
  bool deleted = false;
  std::string failure;  ///< FailureReason once it failed
  double seconds = 0;
  std::vector<std::string> vocabulary;  ///< the phrases of the vocabulary it used
};

class FakeTranscribeServer {
 public:
  /// `s3_endpoint`: where s3://bucket/key objects are read (path style, http://host:port).
  FakeTranscribeServer(AwsCredentials creds, std::string region, std::string s3_endpoint);
  ~FakeTranscribeServer();
  std::string Endpoint() const;
  std::vector<ScriptLine> script;
  int in_progress_polls = 2;  ///< GetTranscriptionJob answers IN_PROGRESS this many times
  int vocabulary_pending_polls = 1;
  /// CreateVocabulary finds the vocabulary made by another caller since its GetVocabulary: the
  /// vocabulary is stored (as that caller's) and the call answers ConflictException.
  bool vocabulary_race = false;
  std::string fail_jobs_with;  ///< when set, every job ends FAILED with this reason
  /// The next `times` operations fail with HTTP `status` and AWS error `type`.
  void FailNext(int times, int status = 400, const std::string& type = "LimitExceededException") {
    std::lock_guard lock(mu_);
    fail_times_ = times;
    fail_status_ = status;
    fail_type_ = type;
  }
  std::vector<std::string> violations() {
    std::lock_guard lock(mu_);
    return violations_;
  }
  std::map<std::string, TranscribeJob> jobs() {
    std::lock_guard lock(mu_);
    return jobs_;
  }
  std::vector<std::string> operations() {
    std::lock_guard lock(mu_);
    return ops_;
  }
  std::map<std::string, std::vector<std::string>> vocabularies() {
    std::lock_guard lock(mu_);
    std::map<std::string, std::vector<std::string>> out;
    for (auto& [k, v] : vocab_) out[k] = v.phrases;
    return out;
  }

 private:
  using json = nlohmann::json;
  struct Vocabulary {
    std::string language;
    std::vector<std::string> phrases;
    int polls = 0;
  };
  struct Refusal {
    int status;
    std::string type, message;
  };

  static void Send(Poco::Net::HTTPServerResponse& res, int status, const json& body);
  // Unknown keys and missing required keys, as the service's validation reports them.
  static std::string Keys(const json& body, const std::set<std::string>& allowed,
                          const std::set<std::string>& required);
  static bool NameOk(const json& v);

  // Reads s3://bucket/key from the S3 server; "" with *why when it cannot.
  std::string ReadMedia(const std::string& uri, std::string* why);

  Refusal Start(const json& b);

  json JobJson(const std::string& name, const TranscribeJob& job, const std::string& state);

  json TranscriptJson(const std::string& name, const TranscribeJob& job);

  void Handle(const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res);

  AwsCredentials creds_;
  std::string region_, s3_;
  std::mutex mu_;
  std::map<std::string, TranscribeJob> jobs_;
  std::map<std::string, Vocabulary> vocab_;
  std::vector<std::string> violations_, ops_;
  int fail_times_ = 0, fail_status_ = 400;
  std::string fail_type_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace minutes::testing
