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

std::vector<std::string> CheckAnswer(const json& openapi, const std::string& method,
                                     const std::string& pattern, int status,
                                     const std::string& content_type, const std::string& body) {
  std::string lower = method == "HEAD" ? "get" : method;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string what = method + " " + pattern + " → " + std::to_string(status);
  if (!openapi["paths"].contains(pattern) || !openapi["paths"][pattern].contains(lower))
    return {what + ": no such operation in /openapi.json"};
  const json& responses = openapi["paths"][pattern][lower]["responses"];
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
  if (media != "application/json" || !content->contains("schema")) return {};
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) return {what + ": the body is not JSON"};
  // The response's schema at the root of a document that also holds the components, so that
  // its "#/components/schemas/…" references resolve.
  json root = ToJsonSchema((*content)["schema"]);
  if (!root.is_object()) return {what + ": the declared schema is not an object"};
  root["components"] = ToJsonSchema(openapi["components"]);
  valijson::Schema schema;
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft4);
  valijson::adapters::NlohmannJsonAdapter schema_adapter(root);
  try {
    parser.populateSchema(schema_adapter, schema);
  } catch (const std::exception& e) {
    return {what + ": the declared schema does not parse: " + e.what()};
  }
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(doc);
  if (validator.validate(schema, target, &results)) return {};
  std::vector<std::string> errors;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    std::string where;
    for (const auto& c : error.context) where += c;
    errors.push_back(what + ": " + where + ": " + error.description);
  }
  return errors;
}

}  // namespace minutes::testing
