#pragma once
// Checks an answer of the service against its own /openapi.json, as a validating proxy would:
// the operation declares the status, the content type, and the body validates against the
// declared schema. OpenAPI 3.0's Schema Objects are turned into JSON Schema (draft 4) for
// valijson: `nullable: true` becomes a "null" type allowed beside the others.
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace minutes::testing {

/// Checks answers against one description, converting its components once and keeping each
/// schema it compiled (an e2e suite checks thousands of answers). Thread-safe.
class AnswerChecker {
 public:
  explicit AnswerChecker(nlohmann::json openapi);
  ~AnswerChecker();
  AnswerChecker(const AnswerChecker&) = delete;
  AnswerChecker& operator=(const AnswerChecker&) = delete;

  /// What is wrong with the answer (nothing: empty); as CheckAnswer. `check_body` false: the
  /// status and content type only (a client that no longer has the body).
  std::vector<std::string> Check(const std::string& method, const std::string& pattern, int status,
                                 const std::string& content_type, const std::string& body,
                                 bool check_body = true) const;
  const nlohmann::json& openapi() const { return openapi_; }

 private:
  struct Compiled;
  nlohmann::json openapi_;
  nlohmann::json components_;  ///< as JSON Schema
  mutable std::mutex mu_;
  mutable std::map<std::string, std::shared_ptr<const Compiled>> compiled_;
};

/// What is wrong with the answer (nothing: empty). `pattern` is the route's path pattern
/// ("/api/v1/tasks/{id}"); `content_type` may carry parameters ("; charset=utf-8").
std::vector<std::string> CheckAnswer(const nlohmann::json& openapi, const std::string& method,
                                     const std::string& pattern, int status,
                                     const std::string& content_type, const std::string& body);

/// The OpenAPI 3.0 Schema Object as JSON Schema draft 4 (nullable → a null type or enum value).
nlohmann::json ToJsonSchema(const nlohmann::json& schema);

}  // namespace minutes::testing
