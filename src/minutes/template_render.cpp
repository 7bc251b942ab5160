#include "minutes/template_render.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <kainjow/mustache.hpp>
#include <regex>
#include <set>

#include "core/text.hpp"

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

// Sets values on kainjow data and notes their sizes in a DataShape, so the output of any
// template over this data can be bounded before it is rendered.
class DataBuilder {
 public:
  explicit DataBuilder(DataShape* shape) : shape_(shape) {}
  void Str(mu::data& d, const std::string& name, const std::string& value) {
    shape_->String(name, value.size());
    d.set(name, value);
  }
  void Flag(mu::data& d, const std::string& name, bool value) {
    shape_->Other(name);
    d.set(name, Bool(value));
  }
  void StrList(mu::data& d, const std::string& name, const std::vector<std::string>& items) {
    mu::data list{mu::data::type::list};
    for (auto& s : items) {
      shape_->Item(name, s.size());
      list.push_back(mu::data(s));
    }
    shape_->List(name, items.size());
    d.set(name, list);
  }
  void List(mu::data& d, const std::string& name, const mu::data& list, size_t items) {
    shape_->List(name, items);
    d.set(name, list);
  }

 private:
  DataShape* shape_;
};

mu::data BuildData(const MinutesDoc& doc, const RenderContext& ctx, DataShape* shape) {
  auto esc = EscapeMarkdown;
  DataBuilder b(shape);
  mu::data d;
  b.Str(d, "title", esc(doc.title));
  b.Str(d, "date", esc(ctx.date));
  b.Str(d, "duration", FormatClock(ctx.duration_seconds));
  b.Str(d, "source", esc(ctx.source_name));

  std::vector<std::string> summary;
  for (auto& s : doc.summary) summary.push_back(esc(s));
  b.StrList(d, "summary", summary);
  b.Flag(d, "has_summary", !doc.summary.empty());

  std::map<std::string, std::string> names;
  for (auto& s : doc.speakers) names[s.id] = s.name;
  auto name_of = [&](const std::string& id) {
    auto it = names.find(id);
    return esc(it == names.end() ? id : it->second);
  };

  mu::data decisions{mu::data::type::list};
  for (auto& x : doc.decisions) {
    mu::data item;
    b.Str(item, "text", esc(x.text));
    b.Str(item, "speaker", name_of(x.speaker));
    // A model's decision whose speaker was left out as wrong has none: templates leave the
    // attribution out instead of printing an empty one.
    b.Flag(item, "has_speaker", !x.speaker.empty());
    b.Str(item, "segment", esc(x.segment));
    decisions.push_back(item);
  }
  b.List(d, "decisions", decisions, doc.decisions.size());
  b.Flag(d, "has_decisions", !doc.decisions.empty());

  mu::data actions{mu::data::type::list};
  for (auto& x : doc.action_items) {
    mu::data item;
    b.Str(item, "text", esc(x.text));
    b.Str(item, "owner", esc(x.owner.empty() ? "Unassigned" : x.owner));
    b.Str(item, "due", esc(x.due));
    b.Flag(item, "has_due", !x.due.empty());
    b.Str(item, "segment", esc(x.segment));
    actions.push_back(item);
  }
  b.List(d, "action_items", actions, doc.action_items.size());
  b.Flag(d, "has_action_items", !doc.action_items.empty());

  std::vector<std::string> topics;
  for (auto& t : doc.topics) topics.push_back(esc(t));
  b.StrList(d, "topics", topics);
  b.Flag(d, "has_topics", !doc.topics.empty());
  b.Str(d, "topics_line", esc(Join(doc.topics, ", ")));

  mu::data speakers{mu::data::type::list};
  for (auto& s : doc.speakers) {
    mu::data item;
    b.Str(item, "id", esc(s.id));
    b.Str(item, "name", esc(s.name));
    b.Str(item, "talk_time", FormatClock(s.talk_time));
    b.Str(item, "share", Percent(s.share));
    speakers.push_back(item);
  }
  b.List(d, "speakers", speakers, doc.speakers.size());
  b.Flag(d, "has_speakers", !doc.speakers.empty());
  return d;
}

// Every name a template may use: those BuildData sets for minutes with one of everything.
const std::set<std::string>& KnownNames() {
  static const std::set<std::string> kNames = [] {
    MinutesDoc doc;
    doc.summary = {"s"};
    doc.decisions = {{"d", "S1", "seg"}};
    doc.action_items = {{"a", "S1", "due", "seg"}};
    doc.topics = {"t"};
    doc.speakers = {{"S1", "n", 1, 1}};
    DataShape shape;
    (void)BuildData(doc, {}, &shape);
    return shape.names;
  }();
  return kNames;
}

// Stops rendering when a cap is reached: kainjow cannot be interrupted, but it asks its context
// for every value and pushes every section item, so once this context answers "no such name"
// the rest of the walk only skips (each remaining loop level ends after its current items).
class BoundedContext final : public mu::basic_context<std::string> {
 public:
  enum class Stop { kNone, kTime, kOutput, kDepth };

  BoundedContext(const mu::data* root, const TemplateLimits& limits)
      : inner_(root),
        limits_(limits),
        deadline_(std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(limits.max_render_ms)) {}

  void push(const mu::data* data) override {
    inner_.push(data);
    if (++depth_ > limits_.max_depth) stop_ = Stop::kDepth;  // the root is not counted
    Tick();
  }
  void pop() override {
    inner_.pop();
    --depth_;
  }
  const mu::data* get(const std::string& name) const override {
    Tick();
    return stop_ == Stop::kNone ? inner_.get(name) : nullptr;
  }
  const mu::data* get_partial(const std::string&) const override { return nullptr; }

  void StopFor(Stop why) const {
    if (stop_ == Stop::kNone) stop_ = why;
  }
  Stop stopped() const { return stop_; }

 private:
  void Tick() const {
    if (stop_ == Stop::kNone && ++ticks_ % 256 == 0 && std::chrono::steady_clock::now() > deadline_)
      stop_ = Stop::kTime;
  }

  mu::context<std::string> inner_;
  const TemplateLimits& limits_;
  std::chrono::steady_clock::time_point deadline_;
  int depth_ = 0;
  mutable uint64_t ticks_ = 0;
  mutable Stop stop_ = Stop::kNone;
};

// Where kainjow writes (it takes any type with operator<<): keeps at most the cap.
struct CappedSink {
  std::string out;
  const BoundedContext* context;
  size_t cap;
  CappedSink& operator<<(const std::string& piece) {
    if (out.size() + piece.size() > cap)
      context->StopFor(BoundedContext::Stop::kOutput);
    else
      out += piece;
    return *this;
  }
};

std::string Kb(size_t bytes) { return std::to_string((bytes + 1023) / 1024) + " KB"; }

std::string Amount(double bytes) {
  if (bytes >= 1e12) return "more than 1 TB";
  return Kb(static_cast<size_t>(bytes));
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

// Size, structure and kainjow's own parse: what every render checks before running.
Result<TemplateOutline> Outline(const std::string& name, const std::string& source,
                                const TemplateLimits& limits) {
  if (source.size() > limits.max_source_bytes)
    return Status::TooLarge("template '" + name + "' is " + std::to_string(source.size()) +
                            " bytes; the limit is " + std::to_string(limits.max_source_bytes));
  auto outline = OutlineTemplate(source, limits.max_depth);
  if (!outline.ok())
    return Status::BadInput("template '" + name + "' " + outline.status().message());
  if (Status s = CheckNoPartials(*outline); !s.ok())
    return Status::BadInput("template '" + name + "' " + s.message());
  // Only now is kainjow's parser safe from deep nesting (it recurses per level).
  mu::mustache tmpl{source};
  if (!tmpl.is_valid()) return Status::BadInput(LocateError(name, source, tmpl.error_message()));
  return outline;
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

Status ValidateTemplate(const std::string& name, const std::string& source,
                        const TemplateLimits& limits) {
  auto outline = Outline(name, source, limits);
  if (!outline.ok()) return outline.status();
  if (Status s = CheckNames(*outline, KnownNames()); !s.ok())
    return Status::BadInput(
        "template '" + name + "' " + s.message() + " (names: " +
        Join(std::vector<std::string>(KnownNames().begin(), KnownNames().end()), ", ") + ")");
  return Status::Ok();
}

Result<std::string> RenderTemplate(const std::string& name, const std::string& source,
                                   const MinutesDoc& doc, const RenderContext& ctx,
                                   const TemplateLimits& limits, RenderReport* report) {
  // A stored template that breaks today's rules is the template's fault, not the request's.
  auto outline = Outline(name, source, limits);
  if (!outline.ok())
    return Status::FailedPrecondition(outline.status().message() +
                                      " (edit the template to render these minutes)");
  DataShape shape;
  mu::data data = BuildData(doc, ctx, &shape);
  double bound = OutputBound(*outline, shape);
  if (report) report->output_bound = bound;
  if (bound > static_cast<double>(limits.max_output_bytes))
    return Status::FailedPrecondition("template '" + name + "' could render up to " +
                                      Amount(bound) +
                                      " for these minutes (sections repeat inside sections); "
                                      "the limit is " +
                                      Kb(limits.max_output_bytes));
  mu::mustache tmpl{source};
  tmpl.set_custom_escape([](const std::string& s) { return s; });  // values are pre-escaped
  BoundedContext context(&data, limits);
  CappedSink sink{{}, &context, limits.max_output_bytes};
  tmpl.render(context, sink);
  if (report) {
    report->raw_bytes = sink.out.size();
    report->output_capped = context.stopped() == BoundedContext::Stop::kOutput;
  }
  switch (context.stopped()) {
    case BoundedContext::Stop::kNone:
      break;
    case BoundedContext::Stop::kTime:
      return Status::FailedPrecondition("template '" + name + "' took longer than " +
                                        std::to_string(limits.max_render_ms) +
                                        " ms to render; the rendering was stopped");
    case BoundedContext::Stop::kOutput:
      return Status::FailedPrecondition("template '" + name + "' rendered more than " +
                                        Kb(limits.max_output_bytes) +
                                        "; the rendering was stopped");
    case BoundedContext::Stop::kDepth:
      return Status::FailedPrecondition("template '" + name + "' nests sections deeper than " +
                                        std::to_string(limits.max_depth));
  }
  if (!tmpl.is_valid())
    return Status::FailedPrecondition(LocateError(name, source, tmpl.error_message()));
  return TidyBlankLines(sink.out);
}

}  // namespace minutes
