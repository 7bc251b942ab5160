#include "api/contract.hpp"

#include "api/schemas.hpp"

namespace minutes {

using nlohmann::json;

Contract::Contract(std::string operation_id, std::string tag, std::string summary)
    : op_({{"operationId", std::move(operation_id)},
           {"tags", {std::move(tag)}},
           {"summary", std::move(summary)},
           {"parameters", json::array()},
           {"responses", json::object()}}) {}

namespace {

json Parameter(const std::string& name, const char* in, bool required,
               const std::string& description, json shape) {
  return {{"name", name},
          {"in", in},
          {"required", required},
          {"description", description},
          {"schema", std::move(shape)}};
}

}  // namespace

Contract& Contract::PathParam(const std::string& name, json shape, const std::string& description) {
  op_["parameters"].push_back(Parameter(name, "path", true, description, std::move(shape)));
  return *this;
}

Contract& Contract::Query(const std::string& name, json shape, const std::string& description,
                          bool required) {
  op_["parameters"].push_back(Parameter(name, "query", required, description, std::move(shape)));
  return *this;
}

Contract& Contract::JsonBody(json shape, const std::string& description) {
  return Body("application/json", std::move(shape), description);
}

Contract& Contract::Body(const std::string& content_type, json shape,
                         const std::string& description) {
  json& body = op_["requestBody"];
  body["required"] = true;
  if (!description.empty()) body["description"] = description;
  body["content"][content_type]["schema"] = std::move(shape);
  return *this;
}

Contract& Contract::Returns(int status, const std::string& description, json shape,
                            const std::string& content_type) {
  json r = {{"description", description}};
  if (shape.is_null() && status >= 400) shape = schema::Ref("Error");
  if (!shape.is_null()) r["content"][content_type]["schema"] = std::move(shape);
  op_["responses"][std::to_string(status)] = std::move(r);
  return *this;
}

Contract& Contract::Also(int status, const std::string& content_type, json shape) {
  op_["responses"][std::to_string(status)]["content"][content_type]["schema"] = std::move(shape);
  return *this;
}

Contract& Contract::Header(int status, const std::string& name, const std::string& description,
                           json shape) {
  op_["responses"][std::to_string(status)]["headers"][name] = {{"description", description},
                                                               {"schema", std::move(shape)}};
  return *this;
}

}  // namespace minutes
