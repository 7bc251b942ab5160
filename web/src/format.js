// Times and sizes as people read them.
export function clock(seconds) {
  if (seconds == null || isNaN(seconds)) return "–";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = String(m).padStart(h ? 2 : 1, "0"), ss = String(r).padStart(2, "0");
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function day(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function megabytes(bytes) {
  return (bytes / (1024 * 1024)).toFixed(0) + " MB";
}

const COLOURS = ["#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed", "#0891b2", "#dc2626", "#4d7c0f"];
export const speakerColour = (index) => COLOURS[index % COLOURS.length];

// What was repaired in a model's answer (the API's `repairs`), as one short sentence for people:
// "openai:gpt-4o-mini got some details wrong, fixed here: 2 citations the model got wrong were
// left out." Empty when nothing was.
export function repairNote(repairs, model, t) {
  if (!repairs || !repairs.length) return "";
  const citation = /(\.(speaker|segment|owner)|^citations\[\d+\]|^citations)$/;
  let citations = 0, names = 0, items = 0, other = 0;
  for (const r of repairs) {
    if (r.action === "resolved") names++;
    else if (r.action === "dropped" && citation.test(r.path)) citations++;
    else if (r.action === "dropped" && /\]$/.test(r.path)) items++;
    else other++;
  }
  const say = (key, n) => (n === 1 ? t(key + "1") : t(key).replace("{n}", n));
  const parts = [];
  if (citations) parts.push(say("repairedCitations", citations));
  if (items) parts.push(say("repairedItems", items));
  if (names) parts.push(say("repairedNames", names));
  if (other) parts.push(say("repairedOther", other));
  return `${t("repairedBy").replace("{model}", model || "")} ${parts.join("; ")}.`;
}
