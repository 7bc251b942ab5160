#include "contract/answer_check.hpp"

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

namespace minutes::testing {

using nlohmann::json;

json ToJsonSchema(const json& schema) {
  if (schema.is_array()) {
    json out = json::array();
    for (const auto& s : schema) out.push_back(ToJsonSchema(s));
    return out;
  }
  if (!schema.is_object()) return schema;
  json out = json::object();
  for (const auto& [key, value] : schema.items()) {
    if (key == "nullable") continue;
    if ((key == "properties" || key == "schemas") && value.is_object()) {
      for (const auto& [name, sub] : value.items()) out[key][name] = ToJsonSchema(sub);
    } else if (key == "items" || key == "additionalProperties" || key == "not" || key == "allOf" ||
               key == "anyOf" || key == "oneOf" || key == "components") {
      out[key] = ToJsonSchema(value);
    } else {
      out[key] = value;
    }
  }
  if (schema.value("nullable", false)) {
    if (out.contains("type") && out["type"].is_string()) {
      out["type"] = {out["type"], "null"};
      if (out.contains("enum")) out["enum"].push_back(nullptr);
    } else {
      out = {{"anyOf", {out, {{"type", "null"}}}}};
    }
  }
  return out;
}

namespace {

std::string MediaType(const std::string& content_type) {
  std::string t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  return t;
}

// The declared content for a media type: exact, then "type/*", then "*/*".
const json* ContentFor(const json& content, const std::string& media) {
  if (content.contains(media)) return &content[media];
  std::string wildcard = media.substr(0, media.find('/')) + "/*";
  if (content.contains(wildcard)) return &content[wildcard];
  if (content.contains("*/*")) return &content["*/*"];
  return nullptr;
}

}  // namespace

struct AnswerChecker::Compiled {
  json root;  ///< the document the schema was parsed from
  valijson::Schema schema;
  std::string problem;  ///< why it could not be parsed ("" when it was)
};

AnswerChecker::AnswerChecker(json openapi)
    : openapi_(std::move(openapi)), components_(ToJsonSchema(openapi_["components"])) {}
AnswerChecker::~AnswerChecker() = default;

std::vector<std::string> AnswerChecker::Check(const std::string& method, const std::string& pattern,
                                              int status, const std::string& content_type,
                                              const std::string& body, bool check_body) const {
  std::string lower = method == "HEAD" ? "get" : method;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string what = method + " " + pattern + " → " + std::to_string(status);
  const json& paths = openapi_["paths"];
  if (!paths.contains(pattern) || !paths[pattern].contains(lower))
    return {what + ": no such operation in /openapi.json"};
  const json& responses = paths[pattern][lower]["responses"];
  std::string code = std::to_string(status);
  const json* response = responses.contains(code) ? &responses[code]
                         : responses.contains(code.substr(0, 1) + "XX")
                             ? &responses[code.substr(0, 1) + "XX"]
                         : responses.contains("default") ? &responses["default"]
                                                         : nullptr;
  if (!response) return {what + ": status not declared (declared: " + responses.dump() + ")"};
  if (!response->contains("content")) {
    if (!body.empty() && method != "HEAD")
      return {what + ": a body (" + content_type + ") where the contract declares none"};
    return {};
  }
  if (method == "HEAD") return {};
  std::string media = MediaType(content_type);
  const json* content = ContentFor((*response)["content"], media);
  if (!content)
    return {what + ": content type " + media +
            " not declared (declared: " + (*response)["content"].dump() + ")"};
  if (media != "application/json" || !content->contains("schema") || !check_body) return {};
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) return {what + ": the body is not JSON"};

  const std::string key = lower + " " + pattern + " " + code + " " + media;
  std::shared_ptr<const Compiled> compiled;
  {
    std::lock_guard lock(mu_);
    if (auto it = compiled_.find(key); it != compiled_.end()) compiled = it->second;
  }
  if (!compiled) {
    auto made = std::make_shared<Compiled>();
    // The response's schema at the root of a document that also holds the components, so that
    // its "#/components/schemas/…" references resolve.
    made->root = ToJsonSchema((*content)["schema"]);
    if (!made->root.is_object()) {
      made->problem = "the declared schema is not an object";
    } else {
      made->root["components"] = components_;
      valijson::SchemaParser parser(valijson::SchemaParser::kDraft4);
      valijson::adapters::NlohmannJsonAdapter schema_adapter(made->root);
      try {
        parser.populateSchema(schema_adapter, made->schema);
      } catch (const std::exception& e) {
        made->problem = std::string("the declared schema does not parse: ") + e.what();
      }
    }
    std::lock_guard lock(mu_);
    compiled = compiled_.emplace(key, std::move(made)).first->second;
  }
  if (!compiled->problem.empty()) return {what + ": " + compiled->problem};
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(doc);
  if (validator.validate(compiled->schema, target, &results)) return {};
  std::vector<std::string> errors;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    std::string where;
    for (const auto& c : error.context) where += c;
    errors.push_back(what + ": " + where + ": " + error.description);
  }
  return errors;
}

std::vector<std::string> CheckAnswer(const json& openapi, const std::string& method,
                                     const std::string& pattern, int status,
                                     const std::string& content_type, const std::string& body) {
  return AnswerChecker(openapi).Check(method, pattern, status, content_type, body);
}

}  // namespace minutes::testing
