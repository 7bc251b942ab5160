#include "minutes/template_set.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <kainjow/mustache.hpp>
#include <regex>
#include <sstream>

#include "core/text.hpp"
#include "minutes/builtin_templates.hpp"

namespace minutes {
namespace {

namespace mu = kainjow::mustache;

// kainjow reports "… at <byte offset>": turn that into a line number people can find.
std::string LocateError(const std::string& name, const std::string& source,
                        const std::string& message) {
  static const std::regex kAt(R"(^(.*) at (\d+)$)");
  std::smatch m;
  std::string reason = message;
  int line = 0;
  if (std::regex_match(message, m, kAt)) {
    reason = m[1].str();
    size_t pos = std::min<size_t>(std::stoul(m[2].str()), source.size());
    line = 1 + static_cast<int>(std::count(source.begin(), source.begin() + pos, '\n'));
  }
  if (!reason.empty()) reason[0] = static_cast<char>(std::tolower(reason[0]));
  return "template '" + name + "'" + (line > 0 ? " line " + std::to_string(line) : "") + ": " +
         reason;
}

std::string Percent(double share) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", share * 100);
  return buf;
}

mu::data Bool(bool b) { return b ? mu::data::type::bool_true : mu::data::type::bool_false; }

mu::data BuildData(const MinutesDoc& doc, const RenderContext& ctx) {
  auto esc = EscapeMarkdown;
  mu::data d;
  d.set("title", esc(doc.title));
  d.set("date", esc(ctx.date));
  d.set("duration", FormatClock(ctx.duration_seconds));
  d.set("source", esc(ctx.source_name));

  mu::data summary{mu::data::type::list};
  for (auto& s : doc.summary) summary.push_back(mu::data(esc(s)));
  d.set("summary", summary);
  d.set("has_summary", Bool(!doc.summary.empty()));

  std::map<std::string, std::string> names;
  for (auto& s : doc.speakers) names[s.id] = s.name;
  auto name_of = [&](const std::string& id) {
    auto it = names.find(id);
    return esc(it == names.end() ? id : it->second);
  };

  mu::data decisions{mu::data::type::list};
  for (auto& x : doc.decisions) {
    mu::data item;
    item.set("text", esc(x.text));
    item.set("speaker", name_of(x.speaker));
    item.set("segment", esc(x.segment));
    decisions.push_back(item);
  }
  d.set("decisions", decisions);
  d.set("has_decisions", Bool(!doc.decisions.empty()));

  mu::data actions{mu::data::type::list};
  for (auto& x : doc.action_items) {
    mu::data item;
    item.set("text", esc(x.text));
    item.set("owner", esc(x.owner.empty() ? "Unassigned" : x.owner));
    item.set("due", esc(x.due));
    item.set("has_due", Bool(!x.due.empty()));
    item.set("segment", esc(x.segment));
    actions.push_back(item);
  }
  d.set("action_items", actions);
  d.set("has_action_items", Bool(!doc.action_items.empty()));

  mu::data topics{mu::data::type::list};
  for (auto& t : doc.topics) topics.push_back(mu::data(esc(t)));
  d.set("topics", topics);
  d.set("has_topics", Bool(!doc.topics.empty()));
  d.set("topics_line", esc(Join(doc.topics, ", ")));

  mu::data speakers{mu::data::type::list};
  for (auto& s : doc.speakers) {
    mu::data item;
    item.set("id", esc(s.id));
    item.set("name", esc(s.name));
    item.set("talk_time", FormatClock(s.talk_time));
    item.set("share", Percent(s.share));
    speakers.push_back(item);
  }
  d.set("speakers", speakers);
  d.set("has_speakers", Bool(!doc.speakers.empty()));
  return d;
}

// Empty sections leave runs of blank lines behind; Markdown needs at most one.
std::string TidyBlankLines(const std::string& md) {
  std::string out;
  int newlines = 0;
  for (char c : md) {
    newlines = c == '\n' ? newlines + 1 : 0;
    if (newlines <= 2) out += c;
  }
  while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n')
    out.pop_back();
  // A leading comment (the template's prompt) leaves its line break behind.
  return out.substr(std::min(out.find_first_not_of('\n'), out.size()));
}

}  // namespace

std::string EscapeMarkdown(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\' || c == '*' || c == '_' || c == '`' || c == '[' || c == ']' || c == '<' ||
        c == '>' || c == '|')
      out += '\\';
    out += c;
  }
  return out;
}

TemplateSet TemplateSet::Builtin() {
  TemplateSet set;
  for (const auto& t : BuiltinTemplates()) set.sources_[t.name] = t.source;
  return set;
}

Result<TemplateSet> TemplateSet::LoadDirectory(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return Status::BadInput("templates directory " + dir.string() + " does not exist");
  TemplateSet set = Builtin();
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
    if (Status s = Validate(name, ss.str()); !s.ok())
      return Status::BadInput(s.message() + " (" + p.string() + ")");
    set.sources_[name] = ss.str();
  }
  return set;
}

Status TemplateSet::Add(const std::string& name, const std::string& source) {
  if (Status s = Validate(name, source); !s.ok()) return s;
  sources_[name] = source;
  return Status::Ok();
}

Status TemplateSet::Validate(const std::string& name, const std::string& source) {
  mu::mustache tmpl{source};
  if (!tmpl.is_valid()) return Status::BadInput(LocateError(name, source, tmpl.error_message()));
  return Status::Ok();
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
  mu::mustache tmpl{it->second};
  if (!tmpl.is_valid())
    return Status::BadInput(LocateError(name, it->second, tmpl.error_message()));
  tmpl.set_custom_escape([](const std::string& s) { return s; });  // values are pre-escaped
  std::string out = tmpl.render(BuildData(doc, ctx));
  if (!tmpl.is_valid())
    return Status::BadInput(LocateError(name, it->second, tmpl.error_message()));
  return TidyBlankLines(out);
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
