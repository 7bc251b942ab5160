// sherpa-onnx's own diarization (its Node.js binding, sherpa-onnx-node, pinned in package.json),
// for the neural diarizer's cross-check (src/diarize/sherpa_crosscheck_test.cpp).
// Usage: node sherpa-diarize.mjs SEGMENTATION.onnx EMBEDDING.onnx AUDIO.wav NUM_SPEAKERS THRESHOLD
// Prints {"version": "...", "segments": [{"start", "end", "speaker"}, ...]} sorted by start.
import sherpa from 'sherpa-onnx-node';

const [segmentation, embedding, wav, speakers, threshold] = process.argv.slice(2);
if (!threshold) {
  console.error('usage: sherpa-diarize.mjs SEGMENTATION EMBEDDING WAV NUM_SPEAKERS THRESHOLD');
  process.exit(2);
}
const sd = new sherpa.OfflineSpeakerDiarization({
  segmentation: {pyannote: {model: segmentation}},
  embedding: {model: embedding},
  clustering: {numClusters: Number(speakers) > 0 ? Number(speakers) : -1,
               threshold: Number(threshold)},
  minDurationOn: 0.3,
  minDurationOff: 0.5,
});
const wave = sherpa.readWave(wav);
if (wave.sampleRate !== sd.sampleRate) {
  console.error(`${wav} is ${wave.sampleRate} Hz, the model wants ${sd.sampleRate}`);
  process.exit(1);
}
const segments = sd.process(wave.samples).map(s => ({start: s.start, end: s.end, speaker: s.speaker}));
segments.sort((a, b) => a.start - b.start);
console.log(JSON.stringify({version: sherpa.version, segments}));
