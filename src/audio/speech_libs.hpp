#pragma once
// PocketSphinx (the offline recogniser), SphinxBase (its MFCC front end, which the local diarizer
// uses too) and WebRTC's voice activity detector, loaded with dlopen when the first recording is
// processed. Linked, they and what they pull in (LAPACK, BLAS, gfortran, quadmath) were mapped and
// relocated at the start of every process — ~6 ms and ~4,000 relocations of an API server's
// start-up that never uses them. The headers still type-check every call.
#include <pocketsphinx/pocketsphinx.h>
#include <sphinxbase/cmd_ln.h>
#include <sphinxbase/err.h>
#include <sphinxbase/fe.h>
#include <sphinxbase/logmath.h>

#include <cstddef>
#include <cstdint>

#include "core/status.hpp"

// libwebrtc-audio-processing exports the VAD without installing its header.
extern "C" {
struct WebRtcVadInst;
WebRtcVadInst* WebRtcVad_Create();
void WebRtcVad_Free(WebRtcVadInst* handle);
int WebRtcVad_Init(WebRtcVadInst* handle);
int WebRtcVad_set_mode(WebRtcVadInst* handle, int mode);
int WebRtcVad_Process(WebRtcVadInst* handle, int fs, const int16_t* frame, size_t length);
}

namespace minutes {

// X(name) for every function the service calls, by library.
#define MINUTES_SPHINXBASE_FUNCTIONS(X) \
  X(err_set_logfp)                      \
  X(cmd_ln_init)                        \
  X(cmd_ln_parse_r)                     \
  X(cmd_ln_free_r)                      \
  X(fe_get_args)                        \
  X(fe_init_auto_r)                     \
  X(fe_process_utt)                     \
  X(fe_free_2d)                         \
  X(fe_free)                            \
  X(logmath_exp)
#define MINUTES_POCKETSPHINX_FUNCTIONS(X) \
  X(ps_args)                              \
  X(ps_init)                              \
  X(ps_free)                              \
  X(ps_start_utt)                         \
  X(ps_process_raw)                       \
  X(ps_end_utt)                           \
  X(ps_get_hyp)                           \
  X(ps_get_logmath)                       \
  X(ps_seg_iter)                          \
  X(ps_seg_next)                          \
  X(ps_seg_word)                          \
  X(ps_seg_frames)                        \
  X(ps_seg_prob)
#define MINUTES_WEBRTC_VAD_FUNCTIONS(X) \
  X(WebRtcVad_Create)                   \
  X(WebRtcVad_Free)                     \
  X(WebRtcVad_Init)                     \
  X(WebRtcVad_set_mode)                 \
  X(WebRtcVad_Process)

/// Pointers to the SphinxBase and PocketSphinx functions above, named as in their headers.
struct SphinxApi {
#define MINUTES_SPEECH_POINTER(name) decltype(&::name) name = nullptr;
  MINUTES_SPHINXBASE_FUNCTIONS(MINUTES_SPEECH_POINTER)
  MINUTES_POCKETSPHINX_FUNCTIONS(MINUTES_SPEECH_POINTER)
};

/// Pointers to WebRTC's VAD functions.
struct WebRtcVadApi {
  MINUTES_WEBRTC_VAD_FUNCTIONS(MINUTES_SPEECH_POINTER)
#undef MINUTES_SPEECH_POINTER
};

/// Loads SphinxBase and PocketSphinx once per process (thread-safe); later calls return the same
/// table or error (kind Unavailable, naming the library).
Result<const SphinxApi*> LoadSphinx();
/// Loads WebRTC's audio-processing library once per process, likewise.
Result<const WebRtcVadApi*> LoadWebRtcVad();

/// The tables the loaders returned; call only after the loader has succeeded.
const SphinxApi& Sphinx();
const WebRtcVadApi& WebRtcVad();

/// True once LoadSphinx / LoadWebRtcVad have succeeded in this process (for tests and
/// diagnostics).
bool SphinxLoaded();
bool WebRtcVadLoaded();

}  // namespace minutes
