#include "cli/migrate_data_command.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <regex>

#include "cli/outputs.hpp"
#include "crypto/sha256.hpp"
#include "db/database.hpp"
#include "db/migrator.hpp"
#include "net/url.hpp"

namespace minutes {
namespace {

struct MigrateDataOptions {
  std::string from, to;
  bool dry_run = false;
  int batch = 1000;
};

// Tables in the order the migrations create them, which is their dependency order.
std::vector<std::string> TablesInOrder() {
  std::vector<std::string> tables;
  static const std::regex kCreate(R"(CREATE TABLE (?:IF NOT EXISTS )?(\w+))");
  for (const auto& m : BuiltinMigrations())
    for (std::sregex_iterator it(m.sql.begin(), m.sql.end(), kCreate), end; it != end; ++it)
      if (std::find(tables.begin(), tables.end(), (*it)[1]) == tables.end())
        tables.push_back((*it)[1]);
  return tables;
}

Result<std::vector<std::string>> Columns(Database& db, const std::string& table) {
  std::vector<std::string> cols;
  if (db.Dialect() == "postgresql") {
    auto rows = db.Query(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = ? ORDER BY ordinal_position",
        {table});
    if (!rows.ok()) return rows.status();
    for (auto& r : *rows) cols.push_back(AsString(r[0]));
  } else {
    auto rows = db.Query("SELECT name FROM pragma_table_info(?)", {table});
    if (!rows.ok()) return rows.status();
    for (auto& r : *rows) cols.push_back(AsString(r[0]));
  }
  if (cols.empty()) return Status::NotFound("table " + table + " has no columns");
  return cols;
}

std::string Join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

// A value as text both databases agree on (NULL apart from "", numbers by value).
std::string Canonical(const DbValue& v) {
  if (std::holds_alternative<std::nullptr_t>(v)) return std::string("\x01N", 2);
  if (auto* d = std::get_if<double>(&v)) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.15g", *d);
    return buf;
  }
  return AsString(v);
}

struct TableSum {
  int64_t rows = 0;
  std::string checksum;  ///< SHA-256 over the sorted hashes of the rows: order-independent
};

Result<TableSum> Summarise(Database& db, const std::string& table,
                           const std::vector<std::string>& cols) {
  auto rows = db.Query("SELECT " + Join(cols, ", ") + " FROM " + table);
  if (!rows.ok()) return rows.status();
  std::vector<std::string> hashes;
  hashes.reserve(rows->size());
  for (auto& r : *rows) {
    std::string line;
    for (auto& v : r) line += Canonical(v) + '\x1f';
    hashes.push_back(Sha256Hex(line));
  }
  std::sort(hashes.begin(), hashes.end());
  return TableSum{static_cast<int64_t>(rows->size()), Sha256Hex(Join(hashes, ""))};
}

Status CopyTable(Database& from, Database& to, const std::string& table,
                 const std::vector<std::string>& cols, int batch, int64_t* copied) {
  const std::string order = from.Dialect() == "sqlite" ? "rowid" : "1";
  // Rows per INSERT: PostgreSQL and SQLite both take thousands of parameters, not unlimited.
  const size_t per_insert = std::max<size_t>(1, std::min<size_t>(500, 30000 / cols.size()));
  std::string row_marks = "(" + Join(std::vector<std::string>(cols.size(), "?"), ", ") + ")";
  for (int64_t offset = 0;; offset += batch) {
    auto rows = from.Query("SELECT " + Join(cols, ", ") + " FROM " + table + " ORDER BY " + order +
                               " LIMIT ? OFFSET ?",
                           {int64_t{batch}, offset});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) break;
    // One transaction per batch: a batch lands whole or not at all.
    Status s = to.Transaction([&](Database& tx) -> Status {
      for (size_t i = 0; i < rows->size(); i += per_insert) {
        size_t n = std::min(per_insert, rows->size() - i);
        std::vector<DbValue> params;
        params.reserve(n * cols.size());
        for (size_t k = i; k < i + n; ++k)
          params.insert(params.end(), (*rows)[k].begin(), (*rows)[k].end());
        std::string sql = "INSERT INTO " + table + " (" + Join(cols, ", ") + ") VALUES " +
                          Join(std::vector<std::string>(n, row_marks), ", ") +
                          " ON CONFLICT DO NOTHING";  // re-runs leave copied rows alone
        if (Status e = tx.Exec(sql, params); !e.ok()) return e;
      }
      return Status::Ok();
    });
    if (!s.ok()) return Status(s.kind(), table + ": " + s.message());
    *copied += static_cast<int64_t>(rows->size());
    if (static_cast<int>(rows->size()) < batch) break;
  }
  return Status::Ok();
}

// Identity columns continue after the copied ids (PostgreSQL does not advance them on insert).
Status AdvanceIdentities(Database& to, const std::string& table) {
  if (to.Dialect() != "postgresql") return Status::Ok();
  auto seq = to.Query("SELECT pg_get_serial_sequence(?, 'id')", {table});
  if (!seq.ok() || seq->empty() || AsString((*seq)[0][0]).empty()) return Status::Ok();
  return to
      .Query("SELECT setval(?, (SELECT COALESCE(max(id), 0) + 1 FROM " + table + "), false)",
             {AsString((*seq)[0][0])})
      .status();
}

int MigrateData(const MigrateDataOptions& o) {
  auto from = OpenDatabase(o.from);
  if (!from.ok())
    return ReportFailure(Status(from.status().kind(), "--from: " + from.status().message()));
  auto to = OpenDatabase(o.to);
  if (!to.ok()) return ReportFailure(Status(to.status().kind(), "--to: " + to.status().message()));
  auto pending = GetMigrationStatus(**from);
  if (!pending.ok()) return ReportFailure(pending.status());
  if (!pending->pending.empty())
    return ReportFailure(
        Status::BadInput("--from has migrations pending: run `minutes db migrate` on it first"));
  const auto tables = TablesInOrder();
  std::printf("%-16s %10s\n", "table", "rows");
  if (o.dry_run) {
    for (auto& t : tables) {
      auto n = (*from)->Query("SELECT count(*) FROM " + t);
      if (!n.ok()) return ReportFailure(n.status());
      std::printf("%-16s %10lld\n", t.c_str(), static_cast<long long>(AsInt((*n)[0][0])));
    }
    std::printf("dry run: nothing copied to %s\n", MaskUrl(o.to).c_str());
    return 0;
  }
  if (auto m = Migrate(**to); !m.ok()) return ReportFailure(m.status());
  int mismatches = 0;
  for (auto& t : tables) {
    auto cols = Columns(**from, t);
    if (!cols.ok()) return ReportFailure(cols.status());
    int64_t read = 0;
    if (Status s = CopyTable(**from, **to, t, *cols, o.batch, &read); !s.ok())
      return ReportFailure(s);
    if (Status s = AdvanceIdentities(**to, t); !s.ok()) return ReportFailure(s);
    auto a = Summarise(**from, t, *cols), b = Summarise(**to, t, *cols);
    if (!a.ok()) return ReportFailure(a.status());
    if (!b.ok()) return ReportFailure(b.status());
    bool same = a->rows == b->rows && a->checksum == b->checksum;
    mismatches += same ? 0 : 1;
    std::printf("%-16s %10lld  %s\n", t.c_str(), static_cast<long long>(a->rows),
                same ? ("checksum ok " + a->checksum.substr(0, 12)).c_str()
                     : ("MISMATCH: target has " + std::to_string(b->rows) + " rows").c_str());
    std::fflush(stdout);
  }
  if (mismatches > 0)
    return ReportFailure(
        Status::Io(std::to_string(mismatches) + " table(s) differ between source and target"));
  std::printf("all %zu tables copied and verified; set database: %s\n", tables.size(),
              MaskUrl(o.to).c_str());
  return 0;
}

}  // namespace

void AddMigrateDataCommand(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<MigrateDataOptions>();
  CLI::App* cmd = app.add_subcommand(
      "migrate-data", "Copy every table to another database (e.g. SQLite to PostgreSQL), verified");
  cmd->add_option("--from", o->from, "Source database URL (sqlite:///… or postgresql://…)")
      ->required();
  cmd->add_option("--to", o->to, "Target database URL")->required();
  cmd->add_flag("--dry-run", o->dry_run, "Report the source's row counts; copy nothing");
  cmd->add_option("--batch", o->batch, "Rows per batch (1000)")->check(CLI::Range(1, 100000));
  cmd->callback([o, exit_code] { *exit_code = MigrateData(*o); });
}

}  // namespace minutes
