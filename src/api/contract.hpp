#pragma once
// What a route takes and answers, declared once beside its handler:
//
//   r.Add("GET", "/api/v1/hotword-sets/{id}", true,
//         Contract("getHotwordSet", "hotwords", "A hotword set with its words")
//             .Returns(200, "the set", schema::Ref("HotwordSet")),
//         handler);
//
// /openapi.json is generated from these (api/openapi.cpp), and the tests validate the answers
// they get against it, so the description cannot drift from the code. Schemas are OpenAPI 3.0
// Schema Objects (JSON); the shared ones are named components (api/schemas.hpp, namespace schema).
#include <nlohmann/json.hpp>
#include <string>

namespace minutes {

class Contract {
 public:
  Contract(std::string operation_id, std::string tag, std::string summary);

  /// A path parameter of the pattern ({name}); undeclared ones are strings.
  Contract& PathParam(const std::string& name, nlohmann::json shape,
                      const std::string& description);
  Contract& Query(const std::string& name, nlohmann::json shape, const std::string& description,
                  bool required = false);
  /// A JSON request body.
  Contract& JsonBody(nlohmann::json shape, const std::string& description = "");
  /// A request body of another type (several calls: several types).
  Contract& Body(const std::string& content_type, nlohmann::json shape,
                 const std::string& description = "");
  /// An answer. `shape` null: no body (204, or a status whose body is not described);
  /// 4xx/5xx without a schema get the Error schema.
  Contract& Returns(int status, const std::string& description, nlohmann::json shape = nullptr,
                    const std::string& content_type = "application/json");
  /// One more content type for an answer already declared (e.g. the transcript as text/vtt).
  Contract& Also(int status, const std::string& content_type, nlohmann::json shape);
  /// A response header of an answer already declared (Location, Retry-After, ETag…).
  Contract& Header(int status, const std::string& name, const std::string& description,
                   nlohmann::json shape = {{"type", "string"}});

  /// The OpenAPI Operation Object (without what the generator adds: security, 401).
  const nlohmann::json& Json() const { return op_; }
  operator nlohmann::json() const { return op_; }  // NOLINT: Router::Add takes it as JSON

 private:
  nlohmann::json op_;
};

}  // namespace minutes
