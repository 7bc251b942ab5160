// libFuzzer target for Mustache templates: validation (OutlineTemplate + kainjow's parser) and
// rendering under small TemplateLimits. Input: one byte for how many items each list of the
// minutes gets (0 to 15), then the template text. Checked: nothing crashes or hangs, a render
// either succeeds or fails with FailedPrecondition, what kainjow emitted never exceeds the bound
// computed before rendering, and a template that validates has no section deeper than the limit.
// Build: clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc
//          src/minutes/template_fuzz.cpp src/minutes/template_render.cpp
//          src/minutes/template_outline.cpp src/core/text.cpp
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "minutes/template_render.hpp"

namespace {

minutes::MinutesDoc Doc(int items) {
  minutes::MinutesDoc d;
  d.title = "Weekly {{title}} *sync*";
  for (int i = 0; i < items; ++i) {
    std::string n = std::to_string(i);
    d.summary.push_back("Summary sentence " + n + " with {{#summary}} in it.");
    d.decisions.push_back({"Decision " + n, "S" + n, "seg-" + n});
    d.action_items.push_back({"Action " + n, "Owner " + n, i % 2 ? "" : "by Friday", "seg-" + n});
    d.topics.push_back("topic " + n);
    d.speakers.push_back({"S" + n, "Speaker " + n, 10.0 * i, 0.1});
  }
  return d;
}

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "template_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const int items = data[0] % 16;
  const std::string source(reinterpret_cast<const char*>(data + 1), size - 1);
  minutes::TemplateLimits limits;
  limits.max_source_bytes = 16 * 1024;
  limits.max_depth = 6;
  limits.max_output_bytes = 64 * 1024;
  limits.max_render_ms = 200;

  minutes::Status valid = minutes::ValidateTemplate("fuzz", source, limits);
  if (!valid.ok() && valid.kind() != minutes::ErrorKind::kBadInput &&
      valid.kind() != minutes::ErrorKind::kTooLarge)
    Fail("validation failed with an unexpected kind", valid.message());
  if (valid.ok()) {
    auto outline = minutes::OutlineTemplate(source, limits.max_depth);
    if (!outline.ok() || outline->depth > limits.max_depth)
      Fail("a valid template is deeper than the limit", source);
  }

  minutes::RenderReport report;
  auto md = minutes::RenderTemplate("fuzz", source, Doc(items), {"2026-11-22", 3725, "a.m4a"},
                                    limits, &report);
  if (report.output_capped) Fail("output passed its bound (stopped at the cap)", source);
  if (!md.ok()) {
    if (md.status().kind() != minutes::ErrorKind::kFailedPrecondition)
      Fail("render failed with an unexpected kind", md.status().message());
    return 0;
  }
  if (static_cast<double>(report.raw_bytes) > report.output_bound)
    Fail("output passed its bound", std::to_string(report.raw_bytes) + " > " +
                                        std::to_string(report.output_bound) + " for " + source);
  if (md->size() > limits.max_output_bytes) Fail("output passed the cap", source);
  return 0;
}
