// /api/v1/webhooks: a tenant's endpoints told when its tasks succeed or fail (admins only).
// The signing secret is shown once, when the webhook is created. URLs must point to public
// addresses (net/address_policy.hpp) and carry no user:password@; a tenant has at most
// webhooks.max_per_tenant of them.
#include <sstream>

#include "api/audit.hpp"
#include "api/contract.hpp"
#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "auth/accounts.hpp"
#include "net/address_policy.hpp"
#include "store/webhooks.hpp"

namespace minutes {
namespace {

// A webhook as listed and shown; the secret is only ever shown by the POST that made it.
nlohmann::json WebhookJson(const WebhookSummary& w) {
  nlohmann::json events = nlohmann::json::array();
  std::stringstream ss(w.events);
  for (std::string e; std::getline(ss, e, ',');) events.push_back(e);
  return {{"id", w.id}, {"url", w.url}, {"events", events}, {"created_at", w.created_at}};
}

}  // namespace

void AddWebhookRoutes(Router& r, const ServiceContext& ctx) {
  const ServiceContext* d = &ctx;

  r.Add("GET", "/api/v1/webhooks", true,
        Contract("listWebhooks", "admin", "The tenant's webhooks, without secrets (admins)")
            .Returns(200, "the webhooks", schema::Ref("WebhookList"))
            .Returns(403, "not an admin"),
        [d](Request& req, Response& res) {
          if (!RequireAdmin(req, res)) return;
          auto hooks = ListTenantWebhooks(d->db, req.principal->tenant_id);
          if (!hooks.ok()) return SetError(res, hooks.status(), req.request_id);
          nlohmann::json items = nlohmann::json::array();
          for (const WebhookSummary& w : *hooks) items.push_back(WebhookJson(w));
          res.Json(200, {{"items", items}});
        });

  r.Add("GET", "/api/v1/webhooks/{id}", true,
        Contract("getWebhook", "admin", "A webhook, without its secret (admins)")
            .Returns(200, "the webhook", schema::Ref("Webhook"))
            .Returns(403, "not an admin")
            .Returns(404, "no such webhook in the tenant"),
        [d](Request& req, Response& res) {
          if (!RequireAdmin(req, res)) return;
          auto hook = FindTenantWebhook(d->db, req.params["id"], req.principal->tenant_id);
          if (!hook.ok()) return SetError(res, hook.status(), req.request_id);
          if (!*hook)
            return SetError(res, 404, "", "no webhook " + req.params["id"], req.request_id);
          res.Json(200, WebhookJson(**hook));
        });

  r.Add(
      "POST", "/api/v1/webhooks", true,
      Contract("createWebhook", "admin",
               "Add a webhook: HMAC-SHA256 signed POSTs (X-Minutes-Signature over "
               "timestamp.body) on task.succeeded and task.failed, retried with backoff "
               "(admins)")
          .JsonBody(schema::Ref("NewWebhook"))
          .Returns(201, "the webhook with its secret, shown this once", schema::Ref("Webhook"))
          .Header(201, "Location", "/api/v1/webhooks/{id}")
          .Returns(400, "not an http:// or https:// URL, bad events, a short secret")
          .Returns(403, "not an admin")
          .Returns(422,
                   "the URL points to a loopback, private, metadata or other internal "
                   "address, has user:password@, or the tenant has webhooks.max_per_tenant "
                   "webhooks"),
      [d](Request& req, Response& res) {
        if (!RequireAdmin(req, res)) return;
        auto body = ReadJsonBody(req);
        if (!body.ok()) return SetError(res, body.status(), req.request_id);
        auto url_field = body->find("url");
        if (url_field == body->end() || !url_field->is_string())
          return SetError(res, 400, "", "url must be an http:// or https:// URL with a host",
                          req.request_id);
        std::string url = url_field->get<std::string>();
        // The destination is checked now, with the reason in the refusal, and again at every
        // delivery (worker/webhook_job.cpp).
        DestinationPolicy policy{.allow_private_networks =
                                     d->config.webhooks.allow_private_networks};
        auto checked = CheckOutboundUrl(url, policy);
        if (!checked.ok()) {
          std::string why = "url " + checked.status().message();
          if (checked.status().kind() == ErrorKind::kFailedPrecondition &&
              !policy.allow_private_networks &&
              CheckOutboundUrl(url, DestinationPolicy{.allow_private_networks = true}).ok())
            why += " (receivers on a private network need webhooks.allow_private_networks)";
          return SetError(res, Status(checked.status().kind(), why), req.request_id);
        }
        std::string events;
        nlohmann::json list =
            body->value("events", nlohmann::json::array({"task.succeeded", "task.failed"}));
        if (!list.is_array() || list.empty())
          return SetError(res, 400, "", "events must be a non-empty list", req.request_id);
        for (auto& e : list) {
          if (!e.is_string() || (e != "task.succeeded" && e != "task.failed"))
            return SetError(res, 400, "", "events may be task.succeeded and task.failed",
                            req.request_id);
          events += (events.empty() ? "" : ",") + e.get<std::string>();
        }
        auto secret_field = body->find("secret");  // json::value() throws when it is not a string
        if (secret_field != body->end() && !secret_field->is_string())
          return SetError(res, 400, "", "secret must be a string of at least 16 characters",
                          req.request_id);
        std::string secret = secret_field == body->end() ? "" : secret_field->get<std::string>();
        if (secret.empty()) {
          auto fresh = RandomHex(24);
          if (!fresh.ok()) return SetError(res, fresh.status(), req.request_id);
          secret = "whsec_" + *fresh;
        } else if (secret.size() < 16) {
          return SetError(res, 400, "", "secret must be at least 16 characters", req.request_id);
        }
        auto id = RandomHex(12);
        if (!id.ok()) return SetError(res, id.status(), req.request_id);
        const int cap = d->config.webhooks.max_per_tenant;
        const std::string now = NowIso();
        Status s = d->db.Transaction([&](Database& tx) -> Status {
          auto count = CountTenantWebhooks(tx, req.principal->tenant_id);
          if (!count.ok()) return count.status();
          if (*count >= cap)
            return Status::FailedPrecondition("this tenant has " + std::to_string(*count) +
                                              " webhooks, the limit is " + std::to_string(cap) +
                                              " (webhooks.max_per_tenant); delete one first");
          return InsertWebhook(tx, {*id, req.principal->tenant_id, url, secret, events, now});
        });
        if (!s.ok()) return SetError(res, s, req.request_id);
        Audit(d->db, req, "webhook.create", *id);
        res.headers["Location"] = "/api/v1/webhooks/" + *id;
        res.Json(
            201,
            {{"id", *id}, {"url", url}, {"events", list}, {"created_at", now}, {"secret", secret}});
      });

  r.Add("DELETE", "/api/v1/webhooks/{id}", true,
        Contract("deleteWebhook", "admin", "Delete a webhook (admins)")
            .Returns(204, "deleted")
            .Returns(403, "not an admin")
            .Returns(404, "no such webhook in the tenant"),
        [d](Request& req, Response& res) {
          if (!RequireAdmin(req, res)) return;
          auto has = TenantHasWebhook(d->db, req.params["id"], req.principal->tenant_id);
          if (!has.ok()) return SetError(res, has.status(), req.request_id);
          if (!*has)
            return SetError(res, 404, "", "no webhook " + req.params["id"], req.request_id);
          Status s = DeleteWebhook(d->db, req.params["id"]);
          if (!s.ok()) return SetError(res, s, req.request_id);
          Audit(d->db, req, "webhook.delete", req.params["id"]);
          res.status = 204;
          res.content_type.clear();
          res.body.clear();
        });
}

}  // namespace minutes
