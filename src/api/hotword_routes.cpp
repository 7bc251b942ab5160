// /api/v1/hotword-sets: per-tenant word lists (names, jargon) with optional weights, attached
// to tasks so recognisers favour them.
#include <map>

#include "api/audit.hpp"
#include "api/contract.hpp"
#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "auth/accounts.hpp"
#include "store/hotwords.hpp"

namespace minutes {
namespace {

struct HotwordSet {
  std::string name;
  std::map<std::string, std::optional<double>> words;  ///< merged duplicates, sorted
};

std::string Trimmed(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// Validates a request body: {"name", "words": ["w" | {"word","weight"?}]}. Errors say where.
Result<HotwordSet> ParseSet(const nlohmann::json& j) {
  HotwordSet set;
  if (!j.contains("name") || !j["name"].is_string())
    return Status::BadInput("name (a string) is required");
  set.name = Trimmed(j["name"]);
  if (set.name.empty() || set.name.size() > 100)
    return Status::BadInput("name must be 1 to 100 characters");
  if (!j.contains("words") || !j["words"].is_array() || j["words"].empty())
    return Status::BadInput("words must be a non-empty list");
  if (j["words"].size() > 1000) return Status::BadInput("at most 1000 words per set");
  size_t i = 0;
  for (const auto& w : j["words"]) {
    std::string where = "words[" + std::to_string(i++) + "]";
    std::string word;
    std::optional<double> weight;
    if (w.is_string()) {
      word = w;
    } else if (w.is_object() && w.contains("word") && w["word"].is_string()) {
      word = w["word"];
      if (w.contains("weight") && !w["weight"].is_null()) {
        if (!w["weight"].is_number() || w["weight"].get<double>() < 0 ||
            w["weight"].get<double>() > 10)
          return Status::BadInput(where + ".weight must be a number from 0 to 10");
        weight = w["weight"].get<double>();
      }
    } else {
      return Status::BadInput(where + " must be a string or {\"word\", \"weight\"}");
    }
    word = Trimmed(word);
    if (word.empty() || word.size() > 100)
      return Status::BadInput(where + " must be 1 to 100 characters, not blank");
    auto& slot = set.words[word];
    if (weight && (!slot || *weight > *slot)) slot = weight;  // duplicates: the higher weight
  }
  return set;
}

nlohmann::json WordsJson(Database& db, const std::string& set_id) {
  nlohmann::json words = nlohmann::json::array();
  auto rows = ListHotwords(db, set_id);
  if (rows.ok())
    for (const HotwordRow& r : *rows) {
      nlohmann::json w = {{"word", r.word}};
      w["weight"] = r.weight ? nlohmann::json(*r.weight) : nlohmann::json(nullptr);
      words.push_back(w);
    }
  return words;
}

Status WriteWords(Database& tx, const std::string& set_id, const HotwordSet& set) {
  std::vector<HotwordRow> words;
  for (auto& [word, weight] : set.words) words.push_back({word, weight});
  return ReplaceHotwords(tx, set_id, words);
}

// The set when it belongs to the caller's tenant.
Result<HotwordSetRow> FindSet(Database& db, const Request& req) {
  auto set = FindTenantHotwordSet(db, req.params.at("id"), req.principal->tenant_id);
  if (!set.ok()) return set.status();
  if (!*set) return Status::NotFound("no hotword set " + req.params.at("id"));
  return **set;
}

bool NameTaken(Database& db, const std::string& tenant, const std::string& name,
               const std::string& except_id) {
  auto taken = HotwordSetNameTaken(db, tenant, name, except_id);
  return taken.ok() && *taken;
}

}  // namespace

void AddHotwordRoutes(Router& r, const ServiceContext& ctx) {
  const ServiceContext* d = &ctx;

  r.Add("GET", "/api/v1/hotword-sets", true,
        Contract("listHotwordSets", "hotwords", "The tenant's hotword sets, by name")
            .Returns(200, "the sets", schema::ListOf(schema::Ref("HotwordSetSummary"))),
        [d](Request& req, Response& res) {
          auto sets = ListHotwordSets(d->db, req.principal->tenant_id);
          if (!sets.ok()) return SetError(res, sets.status(), req.request_id);
          nlohmann::json items = nlohmann::json::array();
          for (const HotwordSetSummary& set : *sets)
            items.push_back({{"id", set.id},
                             {"name", set.name},
                             {"created_at", set.created_at},
                             {"word_count", set.word_count}});
          res.Json(200, {{"items", items}});
        });

  r.Add("POST", "/api/v1/hotword-sets", true,
        Contract("createHotwordSet", "hotwords", "Create a hotword set")
            .JsonBody(schema::Ref("HotwordSetInput"))
            .Returns(201, "the set", schema::Ref("HotwordSet"))
            .Header(201, "Location", "the set: /api/v1/hotword-sets/{id}")
            .Returns(400, "a field is missing or wrong (the message says which)")
            .Returns(409, "the tenant has a set of that name"),
        [d](Request& req, Response& res) {
          auto body = ReadJsonBody(req, 256 * 1024);
          if (!body.ok()) return SetError(res, body.status(), req.request_id);
          auto set = ParseSet(*body);
          if (!set.ok()) return SetError(res, set.status(), req.request_id);
          if (NameTaken(d->db, req.principal->tenant_id, set->name, ""))
            return SetError(res, 409, "", "a hotword set named '" + set->name + "' exists",
                            req.request_id);
          auto id = RandomHex(12);
          if (!id.ok()) return SetError(res, id.status(), req.request_id);
          const std::string created_at = NowIso();
          Status s = d->db.Transaction([&](Database& tx) -> Status {
            if (Status e =
                    InsertHotwordSet(tx, {*id, set->name, created_at}, req.principal->tenant_id);
                !e.ok())
              return e;
            return WriteWords(tx, *id, *set);
          });
          if (!s.ok()) return SetError(res, s, req.request_id);
          Audit(d->db, req, "hotwords.create", *id);
          res.headers["Location"] = "/api/v1/hotword-sets/" + *id;
          res.Json(201, {{"id", *id},
                         {"name", set->name},
                         {"created_at", created_at},
                         {"words", WordsJson(d->db, *id)}});
        });

  r.Add("GET", "/api/v1/hotword-sets/{id}", true,
        Contract("getHotwordSet", "hotwords", "A hotword set with its words")
            .Returns(200, "the set", schema::Ref("HotwordSet"))
            .Returns(404, "no such set in the tenant"),
        [d](Request& req, Response& res) {
          auto row = FindSet(d->db, req);
          if (!row.ok()) return SetError(res, row.status(), req.request_id);
          res.Json(200, {{"id", row->id},
                         {"name", row->name},
                         {"created_at", row->created_at},
                         {"words", WordsJson(d->db, row->id)}});
        });

  r.Add("PUT", "/api/v1/hotword-sets/{id}", true,
        Contract("replaceHotwordSet", "hotwords", "Replace a set's name and words")
            .JsonBody(schema::Ref("HotwordSetInput"))
            .Returns(200, "the set", schema::Ref("HotwordSet"))
            .Returns(400, "a field is missing or wrong (the message says which)")
            .Returns(404, "no such set in the tenant")
            .Returns(409, "the tenant has another set of that name"),
        [d](Request& req, Response& res) {
          auto row = FindSet(d->db, req);
          if (!row.ok()) return SetError(res, row.status(), req.request_id);
          auto body = ReadJsonBody(req, 256 * 1024);
          if (!body.ok()) return SetError(res, body.status(), req.request_id);
          auto set = ParseSet(*body);
          if (!set.ok()) return SetError(res, set.status(), req.request_id);
          std::string id = req.params["id"];
          if (NameTaken(d->db, req.principal->tenant_id, set->name, id))
            return SetError(res, 409, "", "a hotword set named '" + set->name + "' exists",
                            req.request_id);
          Status s = d->db.Transaction([&](Database& tx) -> Status {
            if (Status e = RenameHotwordSet(tx, id, set->name); !e.ok()) return e;
            return WriteWords(tx, id, *set);
          });
          if (!s.ok()) return SetError(res, s, req.request_id);
          Audit(d->db, req, "hotwords.update", id);
          res.Json(200, {{"id", id},
                         {"name", set->name},
                         {"created_at", row->created_at},
                         {"words", WordsJson(d->db, id)}});
        });

  r.Add("DELETE", "/api/v1/hotword-sets/{id}", true,
        Contract("deleteHotwordSet", "hotwords",
                 "Delete a set (tasks that used it keep their results and are detached)")
            .Returns(204, "deleted")
            .Returns(404, "no such set in the tenant"),
        [d](Request& req, Response& res) {
          auto row = FindSet(d->db, req);
          if (!row.ok()) return SetError(res, row.status(), req.request_id);
          std::string id = req.params["id"];
          Status s =
              d->db.Transaction([&](Database& tx) -> Status { return DeleteHotwordSet(tx, id); });
          if (!s.ok()) return SetError(res, s, req.request_id);
          Audit(d->db, req, "hotwords.delete", id);
          res.status = 204;
          res.content_type.clear();
          res.body.clear();
        });
}

}  // namespace minutes
