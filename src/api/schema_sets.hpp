#pragma once
// The named schemas of /openapi.json, by area; schemas.cpp gathers them into Components().
#include <nlohmann/json.hpp>

namespace minutes::schema::sets {

/// Task, Transcript, Segment, Word, Speaker, Minutes, Decision, ActionItem, Answer, …
void AddResults(nlohmann::json& components);
/// Token, Me, User, Tenant, AuditEntry, Usage, Webhook, Template, …
void AddAccounts(nlohmann::json& components);
/// Upload, UploadPart, ReceivedPart, …
void AddUploads(nlohmann::json& components);

}  // namespace minutes::schema::sets
