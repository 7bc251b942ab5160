// The caller's tenant and its provider choices: GET /api/v1/tenant (anyone in it) shows the
// speech engine and language model provider its tasks use and what may be chosen; PATCH
// (admins) picks them. Only names of engines and providers the operator configured can be
// chosen — never URLs or keys.
#include <algorithm>

#include "api/audit.hpp"
#include "api/contract.hpp"
#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "asr/engine_choice.hpp"
#include "core/text.hpp"
#include "llm/model_chain.hpp"
#include "store/tenants.hpp"

namespace minutes {
namespace {

std::vector<std::string> LlmChoices(const ServiceContext& d) {
  std::vector<std::string> names = {"auto"};
  if (auto chain = std::dynamic_pointer_cast<ModelChain>(d.llm))
    for (auto& n : chain->ProviderNames())
      if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  return names;
}

std::vector<std::string> AsrConfigured(const ServiceContext& d) {
  return ConfiguredEngines(d.config.asr.engine, d.config.asr.fallback);
}

void Show(const ServiceContext& d, Request& req, Response& res) {
  auto tenant = FindTenant(d.db, req.principal->tenant_id);
  if (!tenant.ok()) return SetError(res, tenant.status(), req.request_id);
  if (!*tenant) return SetError(res, 404, "", "no such tenant", req.request_id);
  const TenantRow& t = **tenant;
  res.Json(200, {{"id", t.id},
                 {"name", t.name},
                 {"asr_engine", t.asr_engine},
                 {"llm_provider", t.llm_provider},
                 {"asr_engines", EngineChoices(AsrConfigured(d))},
                 {"llm_providers", LlmChoices(d)}});
}

}  // namespace

void AddTenantRoutes(Router& r, const ServiceContext& ctx) {
  const ServiceContext* d = &ctx;
  r.Add("GET", "/api/v1/tenant", true,
        Contract("getTenant", "admin",
                 "The caller's tenant: its speech engine and language model provider, and what "
                 "may be chosen")
            .Returns(200, "the tenant", schema::Ref("Tenant")),
        [d](Request& req, Response& res) { Show(*d, req, res); });
  r.Add("PATCH", "/api/v1/tenant", true,
        Contract("updateTenant", "admin",
                 "Choose the tenant's speech engine or language model provider among the "
                 "configured ones (admins)")
            .JsonBody(schema::Ref("TenantChange"))
            .Returns(200, "the tenant", schema::Ref("Tenant"))
            .Returns(400, "nothing to change, or a choice not configured here")
            .Returns(403, "not an admin"),
        [d](Request& req, Response& res) {
          if (!RequireAdmin(req, res)) return;
          auto body = ReadJsonBody(req);
          if (!body.ok()) return SetError(res, body.status(), req.request_id);
          if (!body->is_object() || body->empty())
            return SetError(res, 400, "", "send {\"asr_engine\": …, \"llm_provider\": …}",
                            req.request_id);
          std::string asr, llm;
          for (auto& [k, v] : body->items()) {
            if (!v.is_string())
              return SetError(res, 400, "", k + " must be a string", req.request_id);
            if (k == "asr_engine") {
              asr = v.get<std::string>();
              if (Status s = CheckEngineChoice(AsrConfigured(*d), asr); !s.ok() || asr.empty())
                return SetError(res, 400, "",
                                "asr_engine: " + (asr.empty() ? "must not be empty" : s.message()),
                                req.request_id);
            } else if (k == "llm_provider") {
              llm = v.get<std::string>();
              auto names = LlmChoices(*d);
              if (std::find(names.begin(), names.end(), llm) == names.end())
                return SetError(res, 400, "",
                                "llm_provider: '" + llm +
                                    "' is not configured here (choose from: " + Join(names, ", ") +
                                    ")",
                                req.request_id);
            } else {
              return SetError(res, 400, "",
                              "unknown field '" + k + "' (expected asr_engine, llm_provider)",
                              req.request_id);
            }
          }
          Status s = d->db.Transaction([&](Database& tx) -> Status {
            if (!asr.empty())
              if (Status e = SetTenantAsrEngine(tx, req.principal->tenant_id, asr); !e.ok())
                return e;
            if (!llm.empty()) return SetTenantLlmProvider(tx, req.principal->tenant_id, llm);
            return Status::Ok();
          });
          if (!s.ok()) return SetError(res, s, req.request_id);
          Audit(d->db, req, "tenant.update", req.principal->tenant_id);
          Show(*d, req, res);
        });
}

}  // namespace minutes
