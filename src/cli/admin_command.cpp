#include "cli/admin_command.hpp"

#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>

#include "auth/accounts.hpp"
#include "cli/outputs.hpp"
#include "cli/service_config.hpp"
#include "db/migrator.hpp"
#include "minutes/template_set.hpp"

namespace minutes {
namespace {

// Admin commands read the same configuration as `serve` (--config, MINUTES_*, --data-dir).
using Common = ConfigFlags;
void AddCommon(CLI::App* cmd, Common* c) { AddConfigFlags(cmd, c); }

// Opens the database and brings its schema up to date, as the server does on start.
Result<std::unique_ptr<Database>> OpenMigrated(const Common& c, AccountOptions* options) {
  auto config = ResolveConfig(c);
  if (!config.ok()) return config.status();
  *options = AccountOptionsFrom(*config);  // the same password policy as the API's
  auto db = OpenDatabase(config->database);
  if (!db.ok()) return db.status();
  auto m = Migrate(**db);
  if (!m.ok()) return m.status();
  return std::move(db.value());
}

Result<std::string> ReadPassword(bool from_stdin) {
  std::string pw;
  if (from_stdin) {
    pw.assign(std::istreambuf_iterator<char>(std::cin), {});
    while (!pw.empty() && (pw.back() == '\n' || pw.back() == '\r')) pw.pop_back();
  } else if (isatty(STDIN_FILENO)) {
    std::fprintf(stderr, "Password: ");
    termios old{};
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::getline(std::cin, pw);
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fprintf(stderr, "\n");
  } else {
    return Status::BadInput("no terminal to ask for a password: pass it with --password-stdin");
  }
  if (pw.empty()) return Status::BadInput("password: must not be empty");
  return pw;
}

template <typename Fn>
std::function<void()> Run(const std::shared_ptr<Common>& c, int* exit_code, Fn fn) {
  return [c, exit_code, fn] {
    AccountOptions options;
    auto db = OpenMigrated(*c, &options);
    if (!db.ok()) {
      *exit_code = ReportFailure(db.status());
      return;
    }
    Accounts accounts(**db, options);
    Status s = fn(accounts, **db);
    *exit_code = s.ok() ? 0 : ReportFailure(s);
  };
}

void AddTenantCommands(CLI::App& app, int* exit_code) {
  auto c = std::make_shared<Common>();
  auto name = std::make_shared<std::string>();
  CLI::App* tenant = app.add_subcommand("tenant", "Tenants: add, list");
  tenant->require_subcommand(1);
  CLI::App* add = tenant->add_subcommand("add", "Add a tenant");
  add->add_option("name", *name)->required();
  AddCommon(add, c.get());
  add->callback(Run(c, exit_code, [name](Accounts& a, Database&) -> Status {
    auto t = a.AddTenant(*name);
    if (!t.ok()) return t.status();
    std::printf("tenant %s added (id %s)\n", t->name.c_str(), t->id.c_str());
    return Status::Ok();
  }));
  CLI::App* list = tenant->add_subcommand("list", "List tenants");
  AddCommon(list, c.get());
  list->callback(Run(c, exit_code, [](Accounts& a, Database&) -> Status {
    auto ts = a.ListTenants();
    if (!ts.ok()) return ts.status();
    for (auto& t : *ts)
      std::printf("%s\t%s\t%s\n", t.name.c_str(), t.id.c_str(), t.created_at.c_str());
    return Status::Ok();
  }));
}

void AddUserCommands(CLI::App& app, int* exit_code) {
  auto c = std::make_shared<Common>();
  auto username = std::make_shared<std::string>();
  auto tenant = std::make_shared<std::string>();
  auto from_stdin = std::make_shared<bool>(false);
  auto admin = std::make_shared<bool>(false);
  CLI::App* user = app.add_subcommand("user", "Users: add, list, disable, enable, reset-password");
  user->require_subcommand(1);

  CLI::App* add = user->add_subcommand("add", "Add a user (creates the tenant when missing)");
  add->add_option("username", *username)->required();
  add->add_option("--tenant", *tenant, "Tenant name")->required();
  add->add_flag("--password-stdin", *from_stdin, "Read the password from standard input");
  add->add_flag("--admin", *admin, "Give the admin role");
  AddCommon(add, c.get());
  add->callback([=] {
    auto pw = ReadPassword(*from_stdin);
    if (!pw.ok()) {
      *exit_code = ReportFailure(pw.status());
      return;
    }
    Run(c, exit_code, [&](Accounts& a, Database&) -> Status {
      auto u = a.AddUser(*username, *tenant, *pw, *admin);
      if (!u.ok()) return u.status();
      std::printf("user %s added to tenant %s as %s\n", u->username.c_str(), u->tenant_name.c_str(),
                  u->role.c_str());
      return Status::Ok();
    })();
  });

  CLI::App* list = user->add_subcommand("list", "List users");
  list->add_option("--tenant", *tenant, "Only this tenant's users");
  AddCommon(list, c.get());
  list->callback(Run(c, exit_code, [tenant](Accounts& a, Database&) -> Status {
    auto us = a.ListUsers(*tenant);
    if (!us.ok()) return us.status();
    for (auto& u : *us)
      std::printf("%s\t%s\t%s%s\n", u.username.c_str(), u.tenant_name.c_str(), u.role.c_str(),
                  u.disabled ? "\tdisabled" : "");
    return Status::Ok();
  }));

  for (bool disable : {true, false}) {
    CLI::App* cmd = user->add_subcommand(disable ? "disable" : "enable",
                                         disable ? "Disable a user" : "Enable a user");
    cmd->add_option("username", *username)->required();
    AddCommon(cmd, c.get());
    cmd->callback(Run(c, exit_code, [username, disable](Accounts& a, Database&) -> Status {
      Status s = a.SetDisabled(*username, disable);
      if (s.ok()) std::printf("user %s %s\n", username->c_str(), disable ? "disabled" : "enabled");
      return s;
    }));
  }

  CLI::App* reset = user->add_subcommand("reset-password", "Set a new password");
  reset->add_option("username", *username)->required();
  reset->add_flag("--password-stdin", *from_stdin, "Read the password from standard input");
  AddCommon(reset, c.get());
  reset->callback([=] {
    auto pw = ReadPassword(*from_stdin);
    if (!pw.ok()) {
      *exit_code = ReportFailure(pw.status());
      return;
    }
    Run(c, exit_code, [&](Accounts& a, Database&) -> Status {
      Status s = a.ResetPassword(*username, *pw);
      if (s.ok()) std::printf("password of %s reset\n", username->c_str());
      return s;
    })();
  });
}

void AddApiKeyCommands(CLI::App& app, int* exit_code) {
  auto c = std::make_shared<Common>();
  auto arg = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>();
  CLI::App* apikey = app.add_subcommand("apikey", "API keys: create, revoke");
  apikey->require_subcommand(1);
  CLI::App* create = apikey->add_subcommand("create", "Create a key for a user (printed once)");
  create->add_option("username", *arg)->required();
  create->add_option("--name", *name, "What the key is for");
  AddCommon(create, c.get());
  create->callback(Run(c, exit_code, [arg, name](Accounts& a, Database&) -> Status {
    auto k = a.CreateApiKey(*arg, *name);
    if (!k.ok()) return k.status();
    std::printf("%s\n", k->first.c_str());
    std::fprintf(stderr, "key id %s — store the key now, it is not shown again\n",
                 k->second.id.c_str());
    return Status::Ok();
  }));
  CLI::App* revoke = apikey->add_subcommand("revoke", "Revoke a key by id");
  revoke->add_option("key_id", *arg)->required();
  AddCommon(revoke, c.get());
  revoke->callback(Run(c, exit_code, [arg](Accounts& a, Database&) -> Status {
    Status s = a.RevokeApiKey(*arg);
    if (s.ok()) std::printf("key %s revoked\n", arg->c_str());
    return s;
  }));
}

// Built-in templates as version-1 rows, and a first admin when there are no users (the seed's
// init_defaults). Safe to run again: nothing is duplicated or overwritten.
Status InitDefaults(Accounts& a, Database& db) {
  for (const auto& name : TemplateSet::Builtin().Names()) {
    auto src = TemplateSet::Builtin().Source(name);
    auto id = RandomHex(12);
    if (!id.ok()) return id.status();
    auto have =
        db.Query("SELECT 1 FROM prompt_templates WHERE tenant_id IS NULL AND name = ?", {name});
    if (!have.ok()) return have.status();
    if (!have->empty()) continue;
    Status s = db.Exec(
        "INSERT INTO prompt_templates (id, tenant_id, name, version, body, created_at) "
        "VALUES (?, NULL, ?, 1, ?, ?)",
        {*id, name, *src, NowIso()});
    if (!s.ok()) return s;
    std::printf("template %s installed\n", name.c_str());
  }
  auto users = a.ListUsers();
  if (!users.ok()) return users.status();
  if (!users->empty()) {
    std::printf("users exist: no admin created\n");
    return Status::Ok();
  }
  auto pw = RandomHex(12);
  if (!pw.ok()) return pw.status();
  auto u = a.AddUser("admin", "default", *pw, true);
  if (!u.ok()) return u.status();
  std::printf("admin user 'admin' (tenant 'default') created with password: %s\n", pw->c_str());
  std::fprintf(stderr, "change it with: minutes user reset-password admin\n");
  return Status::Ok();
}

}  // namespace

void AddAdminCommands(CLI::App& app, int* exit_code) {
  AddTenantCommands(app, exit_code);
  AddUserCommands(app, exit_code);
  AddApiKeyCommands(app, exit_code);
  auto c = std::make_shared<Common>();
  CLI::App* init =
      app.add_subcommand("init-defaults", "Install built-in templates and a first admin");
  AddCommon(init, c.get());
  init->callback(Run(c, exit_code, InitDefaults));
}

}  // namespace minutes
