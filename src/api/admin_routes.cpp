// For a tenant's admins: its users (/api/v1/users), what happened (/api/v1/audit-logs) and what
// it cost (/api/v1/usage). Everything is scoped to the admin's own tenant.
#include <chrono>
#include <regex>

#include "api/audit.hpp"
#include "api/contract.hpp"
#include "api/quotas.hpp"
#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "auth/accounts.hpp"
#include "store/audit_logs.hpp"
#include "store/tenants.hpp"

namespace minutes {
namespace {

nlohmann::json UserJson(const UserRow& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"role", u.role},
          {"disabled", u.disabled},
          {"created_at", u.created_at}};
}

template <typename T>
nlohmann::json AuditValue(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json();
}

Result<int64_t> PositiveParam(const Request& req, const std::string& name, int64_t fallback,
                              int64_t max) {
  auto it = req.query.find(name);
  if (it == req.query.end()) return fallback;
  try {
    size_t used = 0;
    int64_t v = std::stoll(it->second, &used);
    if (used == it->second.size() && v >= 1 && v <= max) return v;
  } catch (const std::exception&) {
  }
  return Status::BadInput(name + " must be a whole number from 1 to " + std::to_string(max));
}

// `from`/`to` as YYYY-MM-DD (inclusive days) turned into timestamp bounds.
Status DateRange(const Request& req, std::string* from, std::string* to) {
  static const std::regex kDate("\\d{4}-\\d{2}-\\d{2}");
  for (auto [name, out] : {std::pair{"from", from}, std::pair{"to", to}}) {
    auto it = req.query.find(name);
    if (it == req.query.end()) continue;
    if (!std::regex_match(it->second, kDate))
      return Status::BadInput(std::string(name) + " must be a date like 2026-11-23");
    *out = it->second;
  }
  if (!from->empty() && !to->empty() && *from > *to)
    return Status::BadInput("from must not be after to");
  return Status::Ok();
}

}  // namespace

void AddAdminRoutes(Router& r, const ServiceContext& ctx) {
  const ServiceContext* d = &ctx;

  r.Add("GET", "/api/v1/users", true,
        Contract("listUsers", "admin", "The tenant's users (admins)")
            .Returns(200, "the users, by name", schema::Ref("UserList"))
            .Returns(403, "not an admin"),
        [d](Request& req, Response& res) {
          if (!RequireAdmin(req, res)) return;
          auto users = ListTenantUsers(d->db, req.principal->tenant_id);
          if (!users.ok()) return SetError(res, users.status(), req.request_id);
          nlohmann::json items = nlohmann::json::array();
          for (const UserRow& u : *users) items.push_back(UserJson(u));
          res.Json(200, {{"items", items}});
        });

  r.Add("GET", "/api/v1/users/{id}", true,
        Contract("getUser", "admin", "A user of the tenant (admins)")
            .Returns(200, "the user", schema::Ref("User"))
            .Returns(403, "not an admin")
            .Returns(404, "no such user in the tenant"),
        [d](Request& req, Response& res) {
          if (!RequireAdmin(req, res)) return;
          auto user = FindTenantUser(d->db, req.params["id"], req.principal->tenant_id);
          if (!user.ok()) return SetError(res, user.status(), req.request_id);
          if (!*user) return SetError(res, 404, "", "no user " + req.params["id"], req.request_id);
          res.Json(200, UserJson(**user));
        });

  r.Add("POST", "/api/v1/users", true,
        Contract("createUser", "admin", "Add a user to the tenant (admins)")
            .JsonBody(schema::Ref("NewUser"))
            .Returns(201, "the user", schema::Ref("User"))
            .Header(201, "Location", "/api/v1/users/{id}")
            .Returns(400, "username and password are required; role is admin or member")
            .Returns(403, "not an admin")
            .Returns(409, "the username is not available (in this or another tenant)")
            .Returns(422, "the password breaks the policy"),
        [d](Request& req, Response& res) {
          if (!RequireAdmin(req, res)) return;
          auto body = ReadJsonBody(req);
          if (!body.ok()) return SetError(res, body.status(), req.request_id);
          if (!body->contains("username") || !(*body)["username"].is_string() ||
              !body->contains("password") || !(*body)["password"].is_string() ||
              (*body)["password"].get<std::string>().empty())
            return SetError(res, 400, "", "username and password (strings) are required",
                            req.request_id);
          // json::value() throws for a role that is not a string: read it by hand.
          auto role_field = body->find("role");
          std::string role = role_field == body->end() ? "member"
                             : role_field->is_string() ? role_field->get<std::string>()
                                                       : "";
          if (role != "admin" && role != "member")
            return SetError(res, 400, "", "role must be admin or member", req.request_id);
          auto tenant = FindTenantName(d->db, req.principal->tenant_id);
          if (!tenant.ok() || !*tenant)
            return SetError(res, 500, "", "internal error", req.request_id);
          // A clash is AlreadyExists (409) with one message whether the name is in this tenant or
          // another; a weak password is FailedPrecondition (422).
          auto user = d->accounts.AddUser((*body)["username"], **tenant, (*body)["password"],
                                          role == "admin");
          if (!user.ok()) return SetError(res, user.status(), req.request_id);
          Audit(d->db, req, "user.create", user->id);
          auto row = FindUser(d->db, user->id);
          res.headers["Location"] = "/api/v1/users/" + user->id;
          res.Json(201, row.ok() && *row ? UserJson(**row) : nlohmann::json{});
        });

  r.Add(
      "PATCH", "/api/v1/users/{id}", true,
      Contract("updateUser", "admin",
               "Disable or enable a user, change the role or password (admins); any change "
               "revokes the user's earlier tokens and API keys")
          .JsonBody(schema::Ref("UserChange"))
          .Returns(200, "the user", schema::Ref("User"))
          .Returns(400, "a bad field")
          .Returns(403, "not an admin")
          .Returns(404, "no such user in the tenant")
          .Returns(422, "the password breaks the policy, or the last admin would go"),
      [d](Request& req, Response& res) {
        if (!RequireAdmin(req, res)) return;
        auto row = FindTenantUser(d->db, req.params["id"], req.principal->tenant_id);
        if (!row.ok()) return SetError(res, row.status(), req.request_id);
        if (!*row) return SetError(res, 404, "", "no user " + req.params["id"], req.request_id);
        auto body = ReadJsonBody(req);
        if (!body.ok()) return SetError(res, body.status(), req.request_id);
        bool self = req.params["id"] == req.principal->user_id;
        if (body->contains("disabled")) {
          if (!(*body)["disabled"].is_boolean())
            return SetError(res, 400, "", "disabled must be true or false", req.request_id);
          if (self && (*body)["disabled"].get<bool>())
            return SetError(res, 400, "", "you cannot disable yourself", req.request_id);
        }
        if (body->contains("role")) {
          std::string role = (*body)["role"].is_string() ? (*body)["role"].get<std::string>() : "";
          if (role != "admin" && role != "member")
            return SetError(res, 400, "", "role must be admin or member", req.request_id);
          if (self && role != "admin")
            return SetError(res, 400, "", "you cannot remove your own admin role", req.request_id);
        }
        if (body->contains("password") &&
            (!(*body)["password"].is_string() || (*body)["password"].get<std::string>().empty()))
          return SetError(res, 400, "", "password must be a non-empty string", req.request_id);
        UserChanges changes;
        if (body->contains("disabled")) changes.disabled = (*body)["disabled"].get<bool>();
        if (body->contains("role")) changes.role = (*body)["role"].get<std::string>();
        if (body->contains("password")) changes.password = (*body)["password"].get<std::string>();
        // All or nothing, in one transaction; the user's earlier tokens and keys stop working.
        auto updated = d->accounts.UpdateUser(req.params["id"], changes);
        if (!updated.ok()) return SetError(res, updated.status(), req.request_id);
        Audit(d->db, req, "user.update", req.params["id"]);
        auto after = FindUser(d->db, req.params["id"]);
        res.Json(200, after.ok() && *after ? UserJson(**after) : nlohmann::json{});
      });

  r.Add(
      "GET", "/api/v1/audit-logs", true,
      Contract("listAuditLogs", "admin", "Who did what, newest first (admins)")
          .Query("from", schema::Str("YYYY-MM-DD"), "from this day (UTC)")
          .Query("to", schema::Str("YYYY-MM-DD"), "to this day, included")
          .Query("action", schema::Str(), "only this action, e.g. task.create")
          .Query("user_id", schema::Str(), "only this user's")
          .Query("request_id", schema::Str(), "only this request's")
          .Query("page", schema::Int("from 1"), "the page (1)")
          .Query("page_size", schema::Int("1 to 500"), "entries per page (50)")
          .Returns(200, "a page of entries", schema::Ref("AuditPage"))
          .Returns(400, "a bad date, page or page_size")
          .Returns(403, "not an admin"),
      [d](Request& req, Response& res) {
        if (!RequireAdmin(req, res)) return;
        std::string from, to;
        if (Status s = DateRange(req, &from, &to); !s.ok()) return SetError(res, s, req.request_id);
        auto page = PositiveParam(req, "page", 1, 1000000);
        auto size = PositiveParam(req, "page_size", 50, 500);
        if (!page.ok()) return SetError(res, page.status(), req.request_id);
        if (!size.ok()) return SetError(res, size.status(), req.request_id);
        AuditFilter filter;
        filter.tenant_id = req.principal->tenant_id, filter.from = from, filter.to = to;
        if (auto it = req.query.find("action"); it != req.query.end())
          filter.action = it->second, filter.has_action = true;
        if (auto it = req.query.find("user_id"); it != req.query.end())
          filter.user_id = it->second, filter.has_user_id = true;
        if (auto it = req.query.find("request_id"); it != req.query.end())
          filter.request_id = it->second, filter.has_request_id = true;
        auto total = CountAuditLogs(d->db, filter);
        if (!total.ok()) return SetError(res, total.status(), req.request_id);
        auto rows = ListAuditLogs(d->db, filter, *size, (*page - 1) * *size);
        if (!rows.ok()) return SetError(res, rows.status(), req.request_id);
        nlohmann::json items = nlohmann::json::array();
        for (const AuditLogRow& a : *rows)
          items.push_back({{"id", a.id},
                           {"user_id", AuditValue(a.user_id)},
                           {"username", AuditValue(a.username)},
                           {"action", a.action},
                           {"target", a.target},
                           {"request_id", a.request_id},
                           {"provider", AuditValue(a.provider)},
                           {"model", AuditValue(a.model)},
                           {"audio_seconds", AuditValue(a.audio_seconds)},
                           {"tokens_in", AuditValue(a.tokens_in)},
                           {"tokens_out", AuditValue(a.tokens_out)},
                           {"cost", AuditValue(a.cost)},
                           {"created_at", a.created_at},
                           {"client_address", AuditValue(a.client_address)}});
        res.Json(200, {{"items", items}, {"page", *page}, {"page_size", *size}, {"total", *total}});
      });

  r.Add("GET", "/api/v1/usage", true,
        Contract("getUsage", "admin",
                 "Audio seconds, tokens and cost by user or day, and the tenant against its "
                 "limits (admins)")
            .Query("from", schema::Str("YYYY-MM-DD"), "from this day (UTC)")
            .Query("to", schema::Str("YYYY-MM-DD"), "to this day, included")
            .Query("group_by", schema::Enum({"day", "user"}), "day (default) or user")
            .Returns(200, "the usage", schema::Ref("Usage"))
            .Returns(400, "a bad date or group_by")
            .Returns(403, "not an admin"),
        [d](Request& req, Response& res) {
          if (!RequireAdmin(req, res)) return;
          std::string from, to;
          if (Status s = DateRange(req, &from, &to); !s.ok())
            return SetError(res, s, req.request_id);
          std::string group = req.query.count("group_by") ? req.query["group_by"] : "day";
          if (group != "day" && group != "user")
            return SetError(res, 400, "", "group_by must be user or day", req.request_id);
          auto rows = TenantUsage(d->db, req.principal->tenant_id, from, to, group == "user");
          if (!rows.ok()) return SetError(res, rows.status(), req.request_id);
          nlohmann::json items = nlohmann::json::array();
          nlohmann::json totals = {{"tasks", 0},
                                   {"audio_seconds", 0.0},
                                   {"tokens_in", 0},
                                   {"tokens_out", 0},
                                   {"cost", 0.0}};
          for (const UsageRow& u : *rows) {
            nlohmann::json item = {{"key", u.key},
                                   {"tasks", u.tasks},
                                   {"audio_seconds", u.audio_seconds},
                                   {"tokens_in", u.tokens_in},
                                   {"tokens_out", u.tokens_out},
                                   {"cost", u.cost}};
            for (const char* k : {"tasks", "tokens_in", "tokens_out"})
              totals[k] = totals[k].get<int64_t>() + item[k].get<int64_t>();
            for (const char* k : {"audio_seconds", "cost"})
              totals[k] = totals[k].get<double>() + item[k].get<double>();
            items.push_back(item);
          }
          // The tenant against its limits (config `limits`; 0 or null = unlimited).
          Quotas quotas(d->db, d->config.limits);
          auto figures = quotas.Figures(req.principal->tenant_id, req.principal->user_id,
                                        std::chrono::duration_cast<std::chrono::milliseconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
          if (!figures.ok()) return SetError(res, figures.status(), req.request_id);
          const StorageUse& st = figures->storage;
          auto limit_or_null = [](int64_t v) {
            return v > 0 ? nlohmann::json(v) : nlohmann::json();
          };
          nlohmann::json limits = {{"storage",
                                    {{"used_bytes", st.used()},
                                     {"recordings_bytes", st.recordings},
                                     {"minutes_bytes", st.minutes},
                                     {"pending_bytes", st.pending},
                                     {"quota_bytes", limit_or_null(st.quota)}}},
                                   {"queued_tasks",
                                    {{"count", figures->queued_tasks},
                                     {"limit", limit_or_null(figures->queued_tasks_limit)}}},
                                   {"max_duration_s", figures->max_duration_s},
                                   {"uploads_per_minute",
                                    {{"yours_last_minute", figures->uploads_last_minute},
                                     {"limit", limit_or_null(figures->uploads_per_minute_limit)}}},
                                   {"upload_bytes_per_hour",
                                    {{"yours_last_hour_bytes", figures->upload_bytes.used()},
                                     {"yours_in_progress_bytes", figures->upload_bytes.pending},
                                     {"limit_bytes", limit_or_null(figures->upload_bytes.limit)}}}};
          res.Json(200,
                   {{"group_by", group}, {"items", items}, {"totals", totals}, {"limits", limits}});
        });
}

}  // namespace minutes
