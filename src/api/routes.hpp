#pragma once
// The API's routes, one registration function per area, each in its own file.
#include "api/context.hpp"
#include "http/router.hpp"

namespace minutes {

/// health_routes.cpp: GET /health, GET /health/ready.
void AddHealthRoutes(Router& router, const ServiceContext& ctx);
/// auth_routes.cpp: POST /api/v1/auth/login, GET /api/v1/me.
void AddAuthRoutes(Router& router, const ServiceContext& ctx);
/// task_routes.cpp: /api/v1/tasks (upload, list, get, delete, events, audio, transcript, speakers).
void AddTaskRoutes(Router& router, const ServiceContext& ctx);
/// task_upload.cpp: POST /api/v1/tasks (called by AddTaskRoutes).
void AddTaskUploadRoute(Router& router, const ServiceContext& ctx);
/// task_stream_routes.cpp: GET /api/v1/tasks/{id}/events and /audio (called by AddTaskRoutes).
void AddTaskStreamRoutes(Router& router, const ServiceContext& ctx);
/// minutes_routes.cpp: GET/POST /api/v1/tasks/{id}/minutes and the versions list.
void AddMinutesRoutes(Router& router, const ServiceContext& ctx);
/// ask_routes.cpp: POST /api/v1/tasks/{id}/ask (questions about a meeting).
void AddAskRoutes(Router& router, const ServiceContext& ctx);
/// template_routes.cpp: /api/v1/templates CRUD.
void AddTemplateRoutes(Router& router, const ServiceContext& ctx);
/// hotword_routes.cpp: /api/v1/hotword-sets CRUD.
void AddHotwordRoutes(Router& router, const ServiceContext& ctx);
/// admin_routes.cpp: /api/v1/users, /api/v1/audit-logs, /api/v1/usage (admins).
void AddAdminRoutes(Router& router, const ServiceContext& ctx);
/// tenant_routes.cpp: /api/v1/tenant (the tenant's provider choices).
void AddTenantRoutes(Router& router, const ServiceContext& ctx);
/// upload_routes.cpp: /api/v1/uploads (direct, resumable multipart uploads).
void AddUploadRoutes(Router& router, const ServiceContext& ctx);
/// webhook_routes.cpp: /api/v1/webhooks CRUD.
void AddWebhookRoutes(Router& router, const ServiceContext& ctx);
/// edit_routes.cpp: fixing a line's text, editing the minutes (a new version).
void AddEditRoutes(Router& router, const ServiceContext& ctx);
/// web_routes.cpp: the web app at / and /app/{file}.
void AddWebRoutes(Router& router, const ServiceContext& ctx);
/// docs_routes.cpp: /openapi.json, /docs, /redoc and their assets. Registered last: it
/// describes the routes registered before it.
void AddDocsRoutes(Router& router, const ServiceContext& ctx);

/// Reads the whole (small) JSON body; BadInput "invalid JSON: …" or "body too large".
Result<nlohmann::json> ReadJsonBody(Request& req, size_t max_bytes = 64 * 1024);

/// For admin-only routes: false (with 403 in `res`) unless the caller is an admin.
bool RequireAdmin(const Request& req, Response& res);

}  // namespace minutes
