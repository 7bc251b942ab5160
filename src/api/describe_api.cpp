#include <unistd.h>

#include <filesystem>

#include "api/dispatch.hpp"
#include "api/openapi.hpp"
#include "auth/accounts.hpp"
#include "config/config.hpp"
#include "storage/object_store.hpp"

namespace minutes {

nlohmann::json DescribeApi() {
  // Registration only keeps references: nothing here is read or written.
  Config config;
  auto db = OpenDatabase("sqlite://:memory:");
  if (!db.ok()) throw std::runtime_error(db.status().message());
  Accounts accounts(**db);
  auto jwt = JwtIssuer::Make(std::string(32, 'd'), 3600);
  if (!jwt.ok()) throw std::runtime_error(jwt.status().message());
  // A file store in a scratch directory (it makes its root), removed again at the end.
  std::error_code ec;
  const auto scratch = std::filesystem::temp_directory_path(ec) /
                       ("minutes-describe-api-" + std::to_string(::getpid()));
  auto store = OpenObjectStore("file://" + scratch.string());
  if (!store.ok()) throw std::runtime_error(store.status().message());
  struct Cleanup {
    std::filesystem::path dir;
    ~Cleanup() {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  } cleanup{scratch};
  ServiceContext ctx{**db,    accounts, *jwt, **store, config, 500LL * 1024 * 1024,
                     nullptr, nullptr,  8192, nullptr};
  Router router;
  RegisterRoutes(router, ctx);
  return OpenApiDocument(router);
}

}  // namespace minutes
