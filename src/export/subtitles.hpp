#pragma once
// Plain-text transcript renderings: TXT, SubRip, WebVTT and NIST RTTM.
#include <string>
#include <string_view>

#include "core/transcript.hpp"

namespace minutes {

/// One line per segment, "[HH:MM:SS] Name: text\n", with the speaker's display name. Line breaks
/// inside text become spaces; segments whose text is blank are left out.
std::string RenderTxt(const Transcript& transcript);

/// SubRip: cues numbered from 1, "HH:MM:SS,mmm --> HH:MM:SS,mmm", text "Name: text", a blank
/// line between cues. Blank segments are skipped without a gap in the numbering; line breaks in
/// text become spaces so a cue never contains a blank line. '&', '<' and '>' in names and text
/// are escaped as entities, so players never take text for tags (<b>, <font>, <img …>).
std::string RenderSrt(const Transcript& transcript);

/// WebVTT: a "WEBVTT" header, then cues "HH:MM:SS.mmm --> HH:MM:SS.mmm" with "<v Name>text".
/// '&', '<' and '>' in names and text are escaped as entities (which also defuses "-->");
/// blank segments are skipped and line breaks become spaces.
std::string RenderVtt(const Transcript& transcript);

/// NIST RTTM, one line per segment:
/// "SPEAKER <uri> 1 <start> <duration> <NA> <NA> <speaker> <NA> <NA>" with times to 3 decimals.
/// The speaker token is the id ("S1"), or the display name when `use_names`; whitespace in the
/// uri and speaker tokens becomes '_' (an empty token becomes "<NA>").
std::string RenderRttm(const Transcript& transcript, std::string_view uri, bool use_names = false);

}  // namespace minutes
