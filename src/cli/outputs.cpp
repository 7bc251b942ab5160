#include "cli/outputs.hpp"

#include <cstdio>
#include <ctime>

#include "core/text.hpp"
#include "export/docx.hpp"
#include "export/minutes_json.hpp"
#include "export/subtitles.hpp"
#include "export/transcript_json.hpp"
#include "minutes/extractive_generator.hpp"
#include "minutes/template_set.hpp"

namespace minutes {
namespace {

Result<TemplateSet> LoadTemplates(const MinutesOptions& o) {
  if (o.templates_dir.empty()) return TemplateSet::Builtin();
  return TemplateSet::LoadDirectory(o.templates_dir);
}

std::string Today() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace

Status CheckTemplate(const MinutesOptions& o) {
  auto set = LoadTemplates(o);
  if (!set.ok()) return set.status();
  if (!set->Has(o.template_name))
    return Status::BadInput("unknown template '" + o.template_name +
                            "' (available: " + Join(set->Names(), ", ") + ")");
  return Status::Ok();
}

Result<Outputs> BuildOutputs(const Transcript& tr, const MinutesOptions& o,
                             const std::string& uri) {
  auto templates = LoadTemplates(o);
  if (!templates.ok()) return templates.status();
  ExtractiveGenerator generator;
  GenerateOptions go;
  go.title_hint = o.title;
  auto doc = generator.Generate(tr, go);
  if (!doc.ok()) return doc.status();
  RenderContext ctx;
  ctx.date = Today();
  ctx.duration_seconds = tr.duration;
  ctx.source_name = o.source_name;
  auto md = templates->Render(o.template_name, *doc, ctx);
  if (!md.ok()) return md.status();
  auto docx = RenderDocx(*doc, {o.title, ctx.date, tr.duration, tr.language, tr.engine});
  if (!docx.ok()) return docx.status();
  Outputs out;
  out.files = {
      {"transcript.json", TranscriptToJson(tr).dump(1) + "\n"},
      {"transcript.txt", RenderTxt(tr)},
      {"transcript.srt", RenderSrt(tr)},
      {"transcript.vtt", RenderVtt(tr)},
      {"transcript.rttm", RenderRttm(tr, uri)},
      {"minutes.json", MinutesToJson(*doc).dump(1) + "\n"},
      {"minutes.md", *md},
      {"minutes.docx", *docx},
  };
  out.minutes = std::move(doc.value());
  return out;
}

int ReportFailure(const Status& s) {
  std::fprintf(stderr, "minutes: error: %s\n", s.message().c_str());
  switch (s.kind()) {  // what the caller asked for is wrong: exit 2
    case ErrorKind::kBadInput:
    case ErrorKind::kNotFound:
    case ErrorKind::kAlreadyExists:
    case ErrorKind::kFailedPrecondition:
    case ErrorKind::kUnsupportedMedia:
      return 2;
    default:
      return 1;
  }
}

}  // namespace minutes
