#include "db/database.hpp"

namespace minutes {

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path);
Result<std::unique_ptr<Database>> OpenPostgres(const std::string& url);

Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url) {
  const std::string scheme = "sqlite://";
  if (url.rfind(scheme, 0) == 0) {
    std::string path = url.substr(scheme.size());
    if (path.empty()) return Status::BadInput("database URL " + url + " has no file path");
    return OpenSqlite(path);
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0)
    return OpenPostgres(url);
  return Status::BadInput("database URL '" + url +
                          "': expected sqlite://PATH or postgresql://user:pass@host:5432/db");
}

std::string AsString(const DbValue& v) {
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  if (auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return "";
}

int64_t AsInt(const DbValue& v) {
  if (auto* n = std::get_if<int64_t>(&v)) return *n;
  if (auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  if (auto* s = std::get_if<std::string>(&v)) return std::strtoll(s->c_str(), nullptr, 10);
  return 0;
}

}  // namespace minutes
