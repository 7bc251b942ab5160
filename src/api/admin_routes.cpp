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

namespace minutes {
namespace {

nlohmann::json UserJson(const DbRow& r) {
  return {{"id", AsString(r[0])},
          {"username", AsString(r[1])},
          {"role", AsString(r[2])},
          {"disabled", AsInt(r[3]) != 0},
          {"created_at", AsString(r[4])}};
}

constexpr const char* kUserColumns = "SELECT id, username, role, disabled, created_at FROM users ";

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
          auto rows =
              d->db.Query(std::string(kUserColumns) + "WHERE tenant_id = ? ORDER BY username",
                          {req.principal->tenant_id});
          if (!rows.ok()) return SetError(res, rows.status(), req.request_id);
          nlohmann::json items = nlohmann::json::array();
          for (auto& row : *rows) items.push_back(UserJson(row));
          res.Json(200, {{"items", items}});
        });

  r.Add("GET", "/api/v1/users/{id}", true,
        Contract("getUser", "admin", "A user of the tenant (admins)")
            .Returns(200, "the user", schema::Ref("User"))
            .Returns(403, "not an admin")
            .Returns(404, "no such user in the tenant"),
        [d](Request& req, Response& res) {
          if (!RequireAdmin(req, res)) return;
          auto row = d->db.Query(std::string(kUserColumns) + "WHERE id = ? AND tenant_id = ?",
                                 {req.params["id"], req.principal->tenant_id});
          if (!row.ok()) return SetError(res, row.status(), req.request_id);
          if (row->empty())
            return SetError(res, 404, "", "no user " + req.params["id"], req.request_id);
          res.Json(200, UserJson((*row)[0]));
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
          auto tenant =
              d->db.Query("SELECT name FROM tenants WHERE id = ?", {req.principal->tenant_id});
          if (!tenant.ok() || tenant->empty())
            return SetError(res, 500, "", "internal error", req.request_id);
          // A clash is AlreadyExists (409) with one message whether the name is in this tenant or
          // another; a weak password is FailedPrecondition (422).
          auto user = d->accounts.AddUser((*body)["username"], AsString((*tenant)[0][0]),
                                          (*body)["password"], role == "admin");
          if (!user.ok()) return SetError(res, user.status(), req.request_id);
          Audit(d->db, req, "user.create", user->id);
          auto row = d->db.Query(std::string(kUserColumns) + "WHERE id = ?", {user->id});
          res.headers["Location"] = "/api/v1/users/" + user->id;
          res.Json(201, row.ok() && !row->empty() ? UserJson((*row)[0]) : nlohmann::json{});
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
        auto row = d->db.Query(std::string(kUserColumns) + "WHERE id = ? AND tenant_id = ?",
                               {req.params["id"], req.principal->tenant_id});
        if (!row.ok()) return SetError(res, row.status(), req.request_id);
        if (row->empty())
          return SetError(res, 404, "", "no user " + req.params["id"], req.request_id);
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
        auto after = d->db.Query(std::string(kUserColumns) + "WHERE id = ?", {req.params["id"]});
        res.Json(200, after.ok() && !after->empty() ? UserJson((*after)[0]) : nlohmann::json{});
      });

  r.Add("GET", "/api/v1/audit-logs", true,
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
          if (Status s = DateRange(req, &from, &to); !s.ok())
            return SetError(res, s, req.request_id);
          auto page = PositiveParam(req, "page", 1, 1000000);
          auto size = PositiveParam(req, "page_size", 50, 500);
          if (!page.ok()) return SetError(res, page.status(), req.request_id);
          if (!size.ok()) return SetError(res, size.status(), req.request_id);
          std::string where = "WHERE a.tenant_id = ?";
          std::vector<DbValue> args{req.principal->tenant_id};
          if (!from.empty()) where += " AND a.created_at >= ?", args.push_back(from);
          if (!to.empty()) where += " AND a.created_at < ?", args.push_back(to + "T99");
          for (const char* f : {"action", "user_id", "request_id"})
            if (auto it = req.query.find(f); it != req.query.end())
              where += std::string(" AND a.") + f + " = ?", args.push_back(it->second);
          auto total = d->db.Query("SELECT count(*) FROM audit_logs a " + where, args);
          if (!total.ok()) return SetError(res, total.status(), req.request_id);
          args.push_back(*size);
          args.push_back((*page - 1) * *size);
          auto rows = d->db.Query(
              "SELECT a.id, a.user_id, u.username, a.action, a.target, a.request_id, a.provider, "
              "a.model, a.audio_seconds, a.tokens_in, a.tokens_out, a.cost, a.created_at, "
              "a.client_address FROM "
              "audit_logs a LEFT JOIN users u ON u.id = a.user_id " +
                  where + " ORDER BY a.id DESC LIMIT ? OFFSET ?",
              args);
          if (!rows.ok()) return SetError(res, rows.status(), req.request_id);
          auto val = [](const DbValue& v) -> nlohmann::json {
            if (std::holds_alternative<std::nullptr_t>(v)) return nullptr;
            if (auto* x = std::get_if<double>(&v)) return *x;
            if (auto* x = std::get_if<int64_t>(&v)) return *x;
            return std::get<std::string>(v);
          };
          nlohmann::json items = nlohmann::json::array();
          for (auto& row : *rows)
            items.push_back({{"id", AsInt(row[0])},
                             {"user_id", val(row[1])},
                             {"username", val(row[2])},
                             {"action", AsString(row[3])},
                             {"target", AsString(row[4])},
                             {"request_id", AsString(row[5])},
                             {"provider", val(row[6])},
                             {"model", val(row[7])},
                             {"audio_seconds", val(row[8])},
                             {"tokens_in", val(row[9])},
                             {"tokens_out", val(row[10])},
                             {"cost", val(row[11])},
                             {"created_at", AsString(row[12])},
                             {"client_address", val(row[13])}});
          res.Json(200, {{"items", items},
                         {"page", *page},
                         {"page_size", *size},
                         {"total", AsInt((*total)[0][0])}});
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
          std::string key =
              group == "day" ? "substr(a.created_at, 1, 10)" : "coalesce(u.username, '')";
          std::string where = "WHERE a.tenant_id = ? AND a.action = 'provider.call'";
          std::vector<DbValue> args{req.principal->tenant_id};
          if (!from.empty()) where += " AND a.created_at >= ?", args.push_back(from);
          if (!to.empty()) where += " AND a.created_at < ?", args.push_back(to + "T99");
          auto rows = d->db.Query(
              "SELECT " + key +
                  ", count(DISTINCT a.target), coalesce(sum(CASE WHEN a.provider <> 'extractive' "
                  "THEN "
                  "a.audio_seconds ELSE 0 END), 0), coalesce(sum(a.tokens_in), 0), "
                  "coalesce(sum(a.tokens_out), 0), coalesce(sum(a.cost), 0) FROM audit_logs a LEFT "
                  "JOIN users u ON u.id = a.user_id " +
                  where + " GROUP BY 1 ORDER BY 1",
              args);
          if (!rows.ok()) return SetError(res, rows.status(), req.request_id);
          auto num = [](const DbValue& v) {
            if (auto* x = std::get_if<double>(&v)) return *x;
            return static_cast<double>(AsInt(v));
          };
          nlohmann::json items = nlohmann::json::array();
          nlohmann::json totals = {{"tasks", 0},
                                   {"audio_seconds", 0.0},
                                   {"tokens_in", 0},
                                   {"tokens_out", 0},
                                   {"cost", 0.0}};
          for (auto& row : *rows) {
            nlohmann::json item = {{"key", AsString(row[0])},      {"tasks", AsInt(row[1])},
                                   {"audio_seconds", num(row[2])}, {"tokens_in", AsInt(row[3])},
                                   {"tokens_out", AsInt(row[4])},  {"cost", num(row[5])}};
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
