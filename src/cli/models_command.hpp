#pragma once
// `minutes models list | pull NAME | rm NAME | path [NAME]`: whisper.cpp's ggml models in the
// models directory (asr.models_dir), pulled from the official repository or a mirror
// (asr.models_url) with a progress bar, resumed after an interruption and verified by SHA-256.
#include <CLI/CLI.hpp>

namespace minutes {

void AddModelsCommand(CLI::App& app, int* exit_code);

}  // namespace minutes
