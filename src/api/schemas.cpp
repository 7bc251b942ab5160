#include "api/schemas.hpp"

#include "api/schema_sets.hpp"

namespace minutes::schema {

using nlohmann::json;

namespace {

json Described(json schema, const std::string& description) {
  if (!description.empty()) schema["description"] = description;
  return schema;
}

json Named() {
  json c = json::object();
  c["ErrorDetail"] = Obj({{"code", Str("machine-readable: bad_request, not_found, …")},
                          {"message", Str("what was wrong, for people")},
                          {"request_id", Str("the X-Request-ID of the answer")}});
  c["Error"] = Obj({{"error", Ref("ErrorDetail")}}, "Every error answer");
  c["Error"]["example"] = {{"error",
                            {{"code", "not_found"},
                             {"message", "no task 4f9c2a7e1b3d5a6c8e0f1a2b"},
                             {"request_id", "a5efa230f0b18c1e"}}}};
  c["Hotword"] = Obj({{"word", Str("a word or phrase, 1 to 100 characters")},
                      {"weight", Nullable(Num("0 to 10; null: the engine's default boost"))}});
  c["HotwordInput"] =
      json{{"oneOf",
            {Str("a word or phrase"), Obj({{"word", Str("a word or phrase, 1 to 100 characters")},
                                           {"weight", Nullable(Num("0 to 10")), false}})}}};
  c["HotwordSetInput"] = Obj(
      {{"name", Str("1 to 100 characters, unique in the tenant")},
       {"words", ArrayOf(Ref("HotwordInput"), "1 to 1000; duplicates keep the higher weight")}});
  c["HotwordSet"] = Obj({{"id", Str()},
                         {"name", Str()},
                         {"created_at", DateTime()},
                         {"words", ArrayOf(Ref("Hotword"), "sorted, without duplicates")}},
                        "Words and names that recognisers favour for the tasks that use the set");
  c["HotwordSetSummary"] =
      Obj({{"id", Str()}, {"name", Str()}, {"created_at", DateTime()}, {"word_count", Int()}});
  json probe = {{"type", "object"},
                {"required", {"status"}},
                {"properties",
                 {{"status", Enum({"ok", "degraded", "error"})},
                  {"latency_ms", Num()},
                  {"error", Str("why the probe failed")},
                  {"backend", Str("sqlite, postgresql, file, s3, database, redis…")}}},
                {"additionalProperties", true}};
  c["Readiness"] = Obj({{"status", Enum({"ok", "degraded", "error"},
                                        "degraded: still serving (a queue broker down with the "
                                        "database outbox taking over, a volume low on space)")},
                        {"components", MapOf(probe, "database, queue, storage, disk")}});
  c["Liveness"] = Obj({{"status", Enum({"ok"})}});
  sets::AddResults(c);
  sets::AddAccounts(c);
  sets::AddUploads(c);
  return c;
}

}  // namespace

json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }
json Str(const std::string& description) { return Described({{"type", "string"}}, description); }
json Binary(const std::string& description) {
  return Described({{"type", "string"}, {"format", "binary"}}, description);
}
json Int(const std::string& description) { return Described({{"type", "integer"}}, description); }
json Num(const std::string& description) { return Described({{"type", "number"}}, description); }
json Bool(const std::string& description) { return Described({{"type", "boolean"}}, description); }
json DateTime(const std::string& description) {
  return Described({{"type", "string"}, {"format", "date-time"}}, description);
}
json Enum(std::initializer_list<const char*> values, const std::string& description) {
  json e = {{"type", "string"}, {"enum", json::array()}};
  for (const char* v : values) e["enum"].push_back(v);
  return Described(std::move(e), description);
}
json ArrayOf(json items, const std::string& description) {
  return Described({{"type", "array"}, {"items", std::move(items)}}, description);
}
json Nullable(json schema) {
  // OpenAPI 3.0: `nullable` does not apply beside a $ref; wrapped in allOf it does.
  if (schema.contains("$ref")) return {{"allOf", {std::move(schema)}}, {"nullable", true}};
  schema["nullable"] = true;
  return schema;
}
json Obj(std::initializer_list<Field> fields, const std::string& description) {
  json o = {{"type", "object"}, {"properties", json::object()}, {"additionalProperties", false}};
  json required = json::array();
  for (const Field& f : fields) {
    o["properties"][f.name] = f.schema;
    if (f.required) required.push_back(f.name);
  }
  if (!required.empty()) o["required"] = required;
  return Described(std::move(o), description);
}
json MapOf(json values, const std::string& description) {
  return Described({{"type", "object"}, {"additionalProperties", std::move(values)}}, description);
}
json ListOf(json item) { return Obj({{"items", ArrayOf(std::move(item))}}); }

const json& Components() {
  static const json kComponents = Named();
  return kComponents;
}

}  // namespace minutes::schema
