// Drag-and-drop or pick several recordings; each goes up with its own progress bar, with the
// chosen template, hotword set, speaker count and language. Files over the server's limit are
// refused before anything is sent.
import { useEffect, useState } from "preact/hooks";
import { call, client, directUploadFrom, upload, uploadLarge } from "./api.js";
import { t } from "./i18n.js";
import { megabytes } from "./format.js";

export function Upload({ onUploaded }) {
  const [templates, setTemplates] = useState([]);
  const [sets, setSets] = useState(/** @type {import("./api.js").Schemas["HotwordSetSummary"][]} */ ([]));
  const [limit, setLimit] = useState(0);
  const [fields, setFields] = useState({ template: "default", hotword_set: "", expected_speakers: "0",
                                         language: "en" });
  const [jobs, setJobs] = useState([]);
  const [over, setOver] = useState(false);
  useEffect(() => {
    call(client.GET("/api/v1/templates")).then((r) => setTemplates(r.items.map((x) => x.name)))
      .catch(() => {});
    call(client.GET("/api/v1/hotword-sets")).then((r) => setSets(r.items)).catch(() => {});
    call(client.GET("/api/v1/me")).then((r) => setLimit(r.limits.max_upload_bytes || 0)).catch(() => {});
  }, []);
  const set = (k) => (e) => setFields({ ...fields, [k]: e.currentTarget.value });
  const update = (i, patch) => setJobs((js) => js.map((j, n) => (n === i ? { ...j, ...patch } : j)));
  const start = (files) => {
    const base = jobs.length;
    const added = [...files].map((f) => ({ name: f.name, progress: 0, error: "", done: false }));
    setJobs((js) => [...js, ...added]);
    [...files].forEach((file, k) => {
      const i = base + k;
      if (limit && file.size > limit) {
        update(i, { error: `${file.name} ${t("tooBig")} ${megabytes(limit)}` });
        return;
      }
      const send = file.size >= directUploadFrom() ? uploadLarge : upload;
      send(file, fields, (p) => update(i, { progress: p }))
        .then(() => { update(i, { progress: 1, done: true }); onUploaded(); })
        .catch((e) => update(i, { error: e.status ? e.message : t("network") }));
    });
  };
  return (
    <section class="card">
      <h2>{t("upload")}</h2>
      <div class={"drop" + (over ? " over" : "")} data-test="drop"
           onDragOver={(e) => { e.preventDefault(); setOver(true); }}
           onDragLeave={() => setOver(false)}
           onDrop={(e) => { e.preventDefault(); setOver(false); start(e.dataTransfer.files); }}>
        {t("dropHere")}{" "}
        <label class="link">{t("choose")}
          <input type="file" multiple accept="audio/*,video/*" hidden data-test="file"
                 onChange={(e) => { start(e.currentTarget.files); e.currentTarget.value = ""; }} />
        </label>
      </div>
      <div class="row fields">
        <label>{t("template")}<select value={fields.template} onChange={set("template")}
          data-test="template">{templates.map((n) => <option value={n}>{n}</option>)}</select></label>
        <label>{t("hotwords")}<select value={fields.hotword_set} onChange={set("hotword_set")}>
          <option value="">{t("none")}</option>
          {sets.map((s) => <option value={s.id}>{s.name}</option>)}</select></label>
        <label>{t("speakers")}<select value={fields.expected_speakers} onChange={set("expected_speakers")}>
          <option value="0">{t("auto")}</option>
          {[2, 3, 4, 5, 6, 7, 8].map((n) => <option value={n}>{n}</option>)}</select></label>
        <label>{t("language")}<select value={fields.language} onChange={set("language")}>
          <option value="en">English</option><option value="zh">中文</option></select></label>
      </div>
      {jobs.map((j) => (
        <div class="job" data-test="upload-job">
          <span class="grow">{j.name}</span>
          {j.error ? <span class="error" role="alert">{j.error}</span>
                   : <progress max="1" value={j.progress} />}
        </div>
      ))}
    </section>
  );
}
