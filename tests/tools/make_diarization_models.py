#!/usr/bin/env python3
"""Writes two small ONNX models shaped like the ones sherpa-onnx diarizes with, for the tests.

segmentation.onnx: like pyannote segmentation-3.0 (x [N,1,T] float audio at 16 kHz ->
y [N,frames,7] powerset log-probabilities; 991-sample receptive field every 270 samples, so a
10 s window gives 589 frames), with the metadata sherpa-onnx's
offline-speaker-segmentation-pyannote-model.cc reads.
embedding.onnx: like a WeSpeaker speaker-embedding model (x [N,frames,80] log-mel fbank ->
embedding [N,16]), with the metadata speaker-embedding-extractor-model.cc reads.

Neither is trained; both are fixed signal processing so that they are deterministic and still
tell voices apart: a frame is speech when loud enough, and its local speaker is whether the voice
is brighter (more energy in sample-to-sample differences) than a reference; the embedding is the
recording's average spectral shape (a few cepstral coefficients of the mean log-mel spectrum).

Usage: make_diarization_models.py OUT_DIR
"""
import math
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
SAMPLE_RATE = 16000
WINDOW = 10 * SAMPLE_RATE
FIELD_SIZE = 991
FIELD_SHIFT = 270
SPEAKERS = 3  # local speakers per window, as segmentation-3.0
CLASSES = 7  # silence, 3 single speakers, 3 pairs
SMOOTH_FRAMES = 31  # ~0.5 s: a local speaker is decided over this much, not per frame
SPEECH_BELOW_MAX = 5.0  # natural-log power below the window's loudest frame still speech
SPEECH_FLOOR = math.log(1e-6)  # and never quieter than -60 dBFS
BRIGHTNESS_REF = -3.2  # log(diff power / power) between a dark and a bright voice
BRIGHTNESS_GAIN = 4.0
MEL_BINS = 80
EMBEDDING_DIM = 16


def const(name, array):
    return numpy_helper.from_array(np.asarray(array, dtype=np.float32), name)


def add_metadata(model, meta):
    for key, value in meta.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, str(value)


def segmentation_model():
    avg = np.full((1, 1, FIELD_SIZE), 1.0 / FIELD_SIZE)
    diff = np.array([[[-1.0, 1.0]]])
    smooth = np.full((2, 1, SMOOTH_FRAMES), 1.0 / SMOOTH_FRAMES)
    inits = [
        const("avg", avg), const("diff", diff), const("smooth", smooth),
        const("eps", 1e-10), const("below_max", SPEECH_BELOW_MAX),
        const("floor", SPEECH_FLOOR), const("ref", BRIGHTNESS_REF),
        const("gain", BRIGHTNESS_GAIN), const("zero", 0.0), const("absent", -10.0),
    ]
    n = helper.make_node
    nodes = [
        n("Mul", ["x", "x"], ["power"]),
        n("Conv", ["x", "diff"], ["d"], pads=[1, 0]),
        n("Mul", ["d", "d"], ["dpower"]),
        n("Conv", ["power", "avg"], ["e"], strides=[FIELD_SHIFT]),
        n("Conv", ["dpower", "avg"], ["h"], strides=[FIELD_SHIFT]),
        n("Add", ["e", "eps"], ["e1"]), n("Log", ["e1"], ["log_e"]),
        n("Add", ["h", "eps"], ["h1"]), n("Log", ["h1"], ["log_h"]),
        n("Concat", ["log_e", "log_h"], ["both"], axis=1),
        n("Conv", ["both", "smooth"], ["smoothed"], group=2,
          pads=[SMOOTH_FRAMES // 2, SMOOTH_FRAMES // 2]),
        n("Split", ["smoothed"], ["le", "lh"], axis=1),
        # speech margin s > 0: loud enough relative to the window and absolutely
        n("ReduceMax", ["le"], ["loudest"], axes=[2], keepdims=1),
        n("Sub", ["le", "loudest"], ["rel"]), n("Add", ["rel", "below_max"], ["s_rel"]),
        n("Sub", ["le", "floor"], ["s_abs"]), n("Min", ["s_rel", "s_abs"], ["s"]),
        # brightness relative to the reference picks local speaker 1 or 2
        n("Sub", ["lh", "le"], ["bright"]), n("Sub", ["bright", "ref"], ["b0"]),
        n("Mul", ["b0", "gain"], ["b"]),
        n("Neg", ["s"], ["c0"]),
        n("Add", ["s", "b"], ["c1"]),
        n("Sub", ["s", "b"], ["c2"]),
        n("Mul", ["s", "zero"], ["z"]), n("Add", ["z", "absent"], ["cx"]),
        n("Concat", ["c0", "c1", "c2", "cx", "cx", "cx", "cx"], ["logits"], axis=1),
        n("Transpose", ["logits"], ["logits_t"], perm=[0, 2, 1]),
        n("LogSoftmax", ["logits_t"], ["y"], axis=-1),
    ]
    graph = helper.make_graph(
        nodes, "pyannote-segmentation-3.0-shaped",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, "T"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", "frames", CLASSES])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 7
    add_metadata(model, {
        "model_type": "pyannote-segmentation-3.0", "version": 1, "num_speakers": SPEAKERS,
        "powerset_max_classes": 2, "num_classes": CLASSES, "sample_rate": SAMPLE_RATE,
        "window_size": WINDOW, "receptive_field_size": FIELD_SIZE,
        "receptive_field_shift": FIELD_SHIFT, "model_author": "minutes tests (untrained)",
    })
    return model


def embedding_model():
    # DCT-II rows 1..16 over the mel bins: the spectral envelope without its overall level
    k = np.arange(1, EMBEDDING_DIM + 1)[None, :]
    m = np.arange(MEL_BINS)[:, None]
    dct = np.cos(math.pi / MEL_BINS * (m + 0.5) * k) * math.sqrt(2.0 / MEL_BINS)
    n = helper.make_node
    nodes = [
        n("ReduceMean", ["x"], ["mean_spectrum"], axes=[1], keepdims=0),
        n("MatMul", ["mean_spectrum", "dct"], ["embedding"]),
    ]
    graph = helper.make_graph(
        nodes, "wespeaker-shaped",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", "frames", MEL_BINS])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["N", EMBEDDING_DIM])],
        [const("dct", dct)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 7
    add_metadata(model, {
        "framework": "wespeaker", "language": "English", "sample_rate": SAMPLE_RATE,
        "output_dim": EMBEDDING_DIM, "normalize_samples": 0,
        "comment": "minutes tests (untrained)",
    })
    return model


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, model in (("segmentation.onnx", segmentation_model()),
                        ("embedding.onnx", embedding_model())):
        onnx.checker.check_model(model)
        tmp = os.path.join(out, name + ".partial")
        onnx.save(model, tmp)
        os.replace(tmp, os.path.join(out, name))


if __name__ == "__main__":
    main()
