#include "minutes/template_set.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/text.hpp"
#include "minutes/builtin_templates.hpp"

namespace minutes {

TemplateSet TemplateSet::Builtin(const TemplateLimits& limits) {
  TemplateSet set;
  set.limits_ = limits;
  for (const auto& t : BuiltinTemplates()) set.sources_[t.name] = t.source;
  return set;
}

Result<TemplateSet> TemplateSet::LoadDirectory(const std::filesystem::path& dir,
                                               const TemplateLimits& limits) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return Status::BadInput("templates directory " + dir.string() + " does not exist");
  TemplateSet set = Builtin(limits);
  std::vector<fs::path> files;
  for (auto& e : fs::directory_iterator(dir, ec)) {
    std::string fn = e.path().filename().string();
    const std::string ext = ".md.mustache";
    if (fn.size() > ext.size() && fn.compare(fn.size() - ext.size(), ext.size(), ext) == 0)
      files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());  // deterministic: the first bad file is reported
  for (auto& p : files) {
    std::string fn = p.filename().string();
    std::string name = fn.substr(0, fn.size() - std::string(".md.mustache").size());
    std::ifstream in(p, std::ios::binary);
    if (!in) return Status::Io("cannot read template " + p.string());
    std::stringstream ss;
    ss << in.rdbuf();
    if (Status s = Validate(name, ss.str(), limits); !s.ok())
      return Status::BadInput(s.message() + " (" + p.string() + ")");  // exit code 2 in the CLI
    set.sources_[name] = ss.str();
  }
  return set;
}

Status TemplateSet::Add(const std::string& name, const std::string& source) {
  if (Status s = Validate(name, source, limits_); !s.ok()) return s;
  sources_[name] = source;
  return Status::Ok();
}

Status TemplateSet::Validate(const std::string& name, const std::string& source,
                             const TemplateLimits& limits) {
  return ValidateTemplate(name, source, limits);
}

std::vector<std::string> TemplateSet::Names() const {
  std::vector<std::string> out;
  for (auto& [n, s] : sources_) out.push_back(n);
  return out;
}

Status TemplateSet::NotFoundError(const std::string& name) const {
  return Status::NotFound("unknown template '" + name + "' (available: " + Join(Names(), ", ") +
                          ")");
}

Result<std::string> TemplateSet::Source(const std::string& name) const {
  auto it = sources_.find(name);
  if (it == sources_.end()) return NotFoundError(name);
  return it->second;
}

Result<std::string> TemplateSet::Render(const std::string& name, const MinutesDoc& doc,
                                        const RenderContext& ctx) const {
  auto it = sources_.find(name);
  if (it == sources_.end()) return NotFoundError(name);
  return RenderSource(name, it->second, doc, ctx, limits_);
}

Result<std::string> TemplateSet::RenderSource(const std::string& name, const std::string& source,
                                              const MinutesDoc& doc, const RenderContext& ctx,
                                              const TemplateLimits& limits) {
  return RenderTemplate(name, source, doc, ctx, limits);
}

std::string TemplatePrompt(const std::string& source) {
  size_t at = source.find("{{!");
  if (at == std::string::npos) return "";
  size_t end = source.find("}}", at);
  if (end == std::string::npos) return "";
  std::string body = source.substr(at + 3, end - at - 3);
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || body.compare(first, 7, "prompt:") != 0) return "";
  body = body.substr(first + 7);
  std::string out;  // whitespace runs (line breaks in the template) become single spaces
  for (char c : body) {
    bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace minutes
