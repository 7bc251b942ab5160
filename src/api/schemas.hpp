#pragma once
// The API's shared types as OpenAPI 3.0 Schema Objects, and small builders for the rest, in
// namespace minutes::schema (short names, always written qualified: schema::Ref("Task")). Every
// named schema is a component of /openapi.json.
// Objects are closed (additionalProperties: false) unless said otherwise: an answer with a
// field the contract does not name fails the tests that validate answers against it.
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace minutes::schema {

/// {"$ref": "#/components/schemas/NAME"}.
nlohmann::json Ref(const std::string& name);
nlohmann::json Str(const std::string& description = "");
/// Bytes of a file (a body that is not JSON: audio, a document).
nlohmann::json Binary(const std::string& description = "");
nlohmann::json Int(const std::string& description = "");
nlohmann::json Num(const std::string& description = "");
nlohmann::json Bool(const std::string& description = "");
/// An instant, RFC 3339 ("2026-12-07T14:30:00Z").
nlohmann::json DateTime(const std::string& description = "");
nlohmann::json Enum(std::initializer_list<const char*> values, const std::string& description = "");
nlohmann::json ArrayOf(nlohmann::json items, const std::string& description = "");
/// The schema, or null.
nlohmann::json Nullable(nlohmann::json schema);

/// A closed object: `properties` in order, `required` the names that are always there.
struct Field {
  std::string name;
  nlohmann::json schema;
  bool required = true;
};
nlohmann::json Obj(std::initializer_list<Field> fields, const std::string& description = "");
/// An object whose members are all `values` (a map), e.g. per-component health.
nlohmann::json MapOf(nlohmann::json values, const std::string& description = "");
/// {"items": [ITEM…]}: how every list answers.
nlohmann::json ListOf(nlohmann::json item);

/// Every named schema (components.schemas of /openapi.json).
const nlohmann::json& Components();

}  // namespace minutes::schema
