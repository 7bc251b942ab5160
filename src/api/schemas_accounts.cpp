// Schemas of who calls the API and what the tenant keeps: tokens, users, the tenant, the audit
// log and usage, webhooks, templates, hotword sets.
#include "api/schema_sets.hpp"
#include "api/schemas.hpp"

namespace minutes::schema::sets {

using nlohmann::json;

namespace {

json Limit(const std::string& description) {
  return Nullable(Int(description + "; null: no limit"));
}

json Totals(const std::string& description) {
  return Obj({{"tasks", Int("tasks with a provider call")},
              {"audio_seconds", Num("seconds of audio sent to speech engines")},
              {"tokens_in", Int("language model input tokens")},
              {"tokens_out", Int("language model output tokens")},
              {"cost", Num("in the currency of the configured prices")}},
             description);
}

void AddTenantSchemas(json& c) {
  c["Tenant"] =
      Obj({{"id", Str()},
           {"name", Str()},
           {"asr_engine", Str("the speech engine its tasks use (auto: the service's default)")},
           {"llm_provider", Str("the language model provider its minutes use (auto)")},
           {"asr_engines", ArrayOf(Str(), "what may be chosen")},
           {"llm_providers", ArrayOf(Str(), "what may be chosen")}});
  c["TenantChange"] = Obj({{"asr_engine", Str("one of asr_engines"), false},
                           {"llm_provider", Str("one of llm_providers"), false}});
  c["AuditEntry"] = Obj({{"id", Int()},
                         {"user_id", Nullable(Str("null: the service itself"))},
                         {"username", Nullable(Str())},
                         {"action", Str("task.create, provider.call, user.update, …")},
                         {"target", Str("what it was done to (a task id, a username…)")},
                         {"request_id", Str()},
                         {"provider", Nullable(Str("provider calls: which"))},
                         {"model", Nullable(Str())},
                         {"audio_seconds", Nullable(Num())},
                         {"tokens_in", Nullable(Int())},
                         {"tokens_out", Nullable(Int())},
                         {"cost", Nullable(Num())},
                         {"created_at", DateTime()},
                         {"client_address", Nullable(Str())}});
  c["AuditPage"] = Obj({{"items", ArrayOf(Ref("AuditEntry"), "newest first")},
                        {"page", Int()},
                        {"page_size", Int()},
                        {"total", Int()}});
  json usage_row = Totals("");
  usage_row["properties"]["key"] = Str("the day (YYYY-MM-DD) or the username");
  usage_row["required"].push_back("key");
  json limits = Obj(
      {{"storage", Obj({{"used_bytes", Int()},
                        {"recordings_bytes", Int()},
                        {"minutes_bytes", Int()},
                        {"pending_bytes", Int("uploads in progress")},
                        {"quota_bytes", Limit("limits.tenant_storage_mb")}})},
       {"queued_tasks", Obj({{"count", Int()}, {"limit", Limit("limits.tenant_queued_tasks")}})},
       {"max_duration_s", Nullable(Num("the longest recording accepted; null: no limit"))},
       {"uploads_per_minute",
        Obj({{"yours_last_minute", Int()}, {"limit", Limit("limits.user_uploads_per_minute")}})},
       {"upload_bytes_per_hour", Obj({{"yours_last_hour_bytes", Int()},
                                      {"yours_in_progress_bytes", Int()},
                                      {"limit_bytes", Limit("limits.user_upload_mb_per_hour")}})}});
  c["Usage"] = Obj({{"group_by", Enum({"day", "user"})},
                    {"items", ArrayOf(usage_row)},
                    {"totals", Totals("all items together")},
                    {"limits", limits}},
                   "What the tenant used, and where it stands against its limits");
}

void AddPeopleSchemas(json& c) {
  c["Credentials"] = Obj({{"username", Str()}, {"password", Str()}});
  c["Token"] = Obj({{"access_token", Str("send as Authorization: Bearer …")},
                    {"token_type", Enum({"bearer"})},
                    {"expires_in", Int("seconds")}});
  c["PasswordChange"] = Obj({{"current_password", Str()}, {"new_password", Str()}});
  c["Role"] = Enum({"admin", "member"});
  c["Me"] = Obj({{"id", Str()},
                 {"username", Str()},
                 {"tenant_id", Str()},
                 {"role", Ref("Role")},
                 {"limits", Obj({{"max_upload_bytes", Int("server.max_upload_mb in bytes")}})}});
  c["User"] = Obj({{"id", Str()},
                   {"username", Str()},
                   {"role", Ref("Role")},
                   {"disabled", Bool()},
                   {"created_at", DateTime()}});
  c["UserList"] = ListOf(Ref("User"));
  c["NewUser"] = Obj({{"username", Str()}, {"password", Str()}, {"role", Ref("Role"), false}});
  c["UserChange"] = Obj({{"disabled", Bool(), false},
                         {"role", Ref("Role"), false},
                         {"password", Str("a new password"), false}});
}

void AddSettingSchemas(json& c) {
  json events = ArrayOf(Enum({"task.succeeded", "task.failed"}));
  c["Webhook"] =
      Obj({{"id", Str()},
           {"url", Str()},
           {"events", events},
           {"created_at", DateTime()},
           {"secret", Str("the signing secret: only in the answer that created it"), false}});
  c["WebhookList"] = ListOf(Ref("Webhook"));
  c["NewWebhook"] =
      Obj({{"url", Str("http:// or https://, public addresses only, no user:password@")},
           {"events", events, false},
           {"secret", Str("at least 16 characters; made up when left out"), false}});
  c["TemplateSummary"] =
      Obj({{"name", Str()},
           {"builtin", Bool("one of the service's own")},
           {"version", Int("0: built-in")},
           {"overridden", Bool("built-in: the tenant has its own of that name"), false},
           {"updated_at", DateTime(), false},
           {"owner", Nullable(Str("who wrote it; null: an admin's")), false},
           {"editable", Bool("the caller may change it")}});
  c["TemplateList"] = ListOf(Ref("TemplateSummary"));
  c["Template"] =
      Obj({{"name", Str()},
           {"builtin", Bool()},
           {"version", Int("0: built-in")},
           {"body", Str("the Mustache text")},
           {"created_at", DateTime(), false},
           {"versions",
            ArrayOf(Obj({{"version", Int()}, {"created_at", DateTime()}}), "tenant templates"),
            false}});
  c["TemplateText"] = Obj({{"body", Str("the Mustache text")}});
  c["TemplateWritten"] = Obj({{"name", Str()}, {"version", Int()}});
}

}  // namespace

void AddAccounts(json& c) {
  AddPeopleSchemas(c);
  AddTenantSchemas(c);
  AddSettingSchemas(c);
}

}  // namespace minutes::schema::sets
