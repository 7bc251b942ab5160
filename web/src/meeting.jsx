// One meeting: state (and why it failed), the audio, the transcript with speaker colours and
// times — click a line to play from there, the line being played is highlighted — renaming a
// speaker everywhere, the minutes rendered from Markdown with their versions and regeneration,
// questions, and every download.
import { useEffect, useRef, useState } from "preact/hooks";
import { marked } from "marked";
import DOMPurify from "dompurify";
import { blob, call, client } from "./api.js";

/** @typedef {import("./api.js").Schemas} Schemas */
import { t } from "./i18n.js";
import { clock, repairNote, speakerColour } from "./format.js";
import { StateBadge } from "./meetings.jsx";

const EXPORTS = [
  ["transcript", "txt"], ["transcript", "srt"], ["transcript", "vtt"], ["transcript", "json"],
  ["minutes", "md"], ["minutes", "docx"], ["minutes", "json"],
];

async function save(id, kind, format, title) {
  const b = await blob(`/api/v1/tasks/${id}/${kind}?format=${format}`);
  const a = document.createElement("a");
  a.href = URL.createObjectURL(b);
  a.download = `${title || id}-${kind}.${format}`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

/** @param {{seg: Schemas["Segment"], id: string, colour: string, name: string, playing: boolean,
 *            audio: any, onSaved: () => void, onError: (m: string) => void}} props */
function Line({ seg, id, colour, name, playing, audio, onSaved, onError }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(seg.text);
  const save = async () => {
    setEditing(false);
    if (text.trim() === seg.text) return;
    try {
      await call(client.PATCH("/api/v1/tasks/{id}/segments/{segment}",
                              { params: { path: { id, segment: seg.id } }, body: { text } }));
      onSaved();
    } catch (e) {
      onError(e.message);
      setText(seg.text);
    }
  };
  return (
    <li class={playing ? "playing" : ""} data-test="line"
        onClick={() => { if (!editing && audio.current) { audio.current.currentTime = seg.start; audio.current.play(); } }}>
      <span class="time">{clock(seg.start)}</span>
      <b style={{ color: colour }}>{name}</b>
      {editing ? (
        <input class="grow" data-test="line-input" value={text} autoFocus
               onClick={(e) => e.stopPropagation()}
               onInput={(e) => setText(e.currentTarget.value)}
               onKeyDown={(e) => { if (e.key === "Enter") save(); if (e.key === "Escape") { setText(seg.text); setEditing(false); } }}
               onBlur={save} />
      ) : (
        <span class="text grow">{seg.text}</span>
      )}
      {!editing && (
        <button class="link edit" title={t("editLine")} data-test="edit-line"
                onClick={(e) => { e.stopPropagation(); setText(seg.text); setEditing(true); }}>✎</button>
      )}
    </li>
  );
}

/** @param {{id: string, transcript: Schemas["Transcript"], audio: any, now: number,
 *            onRename: (s: Schemas["Speaker"]) => void, onSaved: () => void,
 *            onError: (m: string) => void}} props */
function Transcript({ id, transcript, audio, now, onRename, onSaved, onError }) {
  const index = Object.fromEntries(transcript.speakers.map((s, i) => [s.id, i]));
  const name = Object.fromEntries(transcript.speakers.map((s) => [s.id, s.name || s.id]));
  return (
    <div>
      <div class="row speakers">
        {transcript.speakers.map((s, i) => (
          <span class="speaker" style={{ borderColor: speakerColour(i) }} data-test="speaker">
            <b style={{ color: speakerColour(i) }}>{s.name || s.id}</b>
            <button class="link" data-test={"rename-" + s.id} onClick={() => onRename(s)}>
              {t("rename")}
            </button>
          </span>
        ))}
      </div>
      <ol class="lines">
        {transcript.segments.map((seg) => (
          <Line key={seg.id + seg.text} seg={seg} id={id} audio={audio}
                colour={speakerColour(index[seg.speaker] || 0)} name={name[seg.speaker]}
                playing={now >= seg.start && now < seg.end} onSaved={onSaved} onError={onError} />
        ))}
      </ol>
    </div>
  );
}

const lines = (text) => text.split("\n").map((l) => l.trim()).filter(Boolean);

// Edits the minutes' fields; saving stores a new version.
/** @param {{doc: Schemas["Minutes"], onSave: (edit: Schemas["MinutesEdit"]) => void,
 *            onCancel: () => void}} props */
function MinutesEditor({ doc, onSave, onCancel }) {
  const [title, setTitle] = useState(doc.title);
  const [summary, setSummary] = useState(doc.summary.join("\n"));
  const [decisions, setDecisions] = useState(doc.decisions.map((d) => d.text).join("\n"));
  const [actions, setActions] = useState(
    doc.action_items.map((a) => [a.text, a.owner_name || a.owner || "", a.due || ""].join(" | "))
      .join("\n"));
  const [topics, setTopics] = useState(doc.topics.join(", "));
  const save = () => {
    // Unchanged items keep their speaker and segment; new ones cite none.
    const decided = lines(decisions).map((text, i) => {
      const old = doc.decisions[i];
      return old && old.text === text ? old : { text, speaker: null, segment: null };
    });
    const items = lines(actions).map((l, i) => {
      const [text, who = "", due = ""] = l.split("|").map((x) => x.trim());
      const old = doc.action_items[i];
      // The owner as shown: kept when unchanged; else written as a name (the server resolves a
      // speaker's id or name to the speaker).
      const same = old && who === (old.owner_name || old.owner || "");
      return { text, owner: same ? old.owner : null, owner_name: same ? old.owner_name : who || null,
               due: due || null, segment: old && old.text === text ? old.segment : null };
    });
    onSave({ title, summary: lines(summary), decisions: decided, action_items: items,
             topics: topics.split(/[,，]/).map((x) => x.trim()).filter(Boolean) });
  };
  return (
    <div class="editor" data-test="minutes-editor">
      <label>{t("title")}<input data-test="edit-title" value={title} onInput={(e) => setTitle(e.currentTarget.value)} /></label>
      <label>{t("summary")}<textarea rows={4} value={summary} onInput={(e) => setSummary(e.currentTarget.value)} /></label>
      <label>{t("decisions")}<textarea rows={3} value={decisions} onInput={(e) => setDecisions(e.currentTarget.value)} /></label>
      <label>{t("actionItems")}<textarea rows={4} data-test="edit-actions" value={actions}
        onInput={(e) => setActions(e.currentTarget.value)} /></label>
      <label>{t("topics")}<input value={topics} onInput={(e) => setTopics(e.currentTarget.value)} /></label>
      <div class="row">
        <button data-test="save-minutes" onClick={save}>{t("save")}</button>
        <button class="link" onClick={onCancel}>{t("cancel")}</button>
      </div>
    </div>
  );
}

function Minutes({ id, templates, onError }) {
  const [versions, setVersions] = useState(/** @type {Schemas["MinutesVersion"][]} */ ([]));
  const [version, setVersion] = useState(0);
  const [html, setHtml] = useState("");
  const [template, setTemplate] = useState("default");
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState(/** @type {Schemas["Minutes"]} */ (null));  // being edited
  const edit = async () => {
    try {
      const query = { format: /** @type {const} */ ("json"), ...(version ? { version } : {}) };
      // JSON asked for: the answer is the Minutes schema (the route also serves md and docx).
      const doc = await call(client.GET("/api/v1/tasks/{id}/minutes", { params: { path: { id }, query } }));
      setEditing(/** @type {Schemas["Minutes"]} */ (/** @type {unknown} */ (doc)));
    } catch (e) {
      onError(e.message);
    }
  };
  const saveEdit = async (fields) => {
    try {
      await call(client.PUT("/api/v1/tasks/{id}/minutes", { params: { path: { id } }, body: fields }));
      setEditing(null);
      setVersion(0);
      await loadVersions();
    } catch (e) {
      onError(e.message);
    }
  };
  const loadVersions = async () => {
    const v = await call(client.GET("/api/v1/tasks/{id}/minutes/versions", { params: { path: { id } } }));
    const items = [...v.items].sort((a, b) => b.version - a.version);  // newest first
    setVersions(items);
    return items;
  };
  useEffect(() => { loadVersions().catch((e) => onError(e.message)); }, [id]);
  useEffect(() => {
    const query = { format: /** @type {const} */ ("md"), ...(version ? { version } : {}) };
    call(client.GET("/api/v1/tasks/{id}/minutes", { params: { path: { id }, query }, parseAs: "text" }))
      .then((md) => setHtml(DOMPurify.sanitize(/** @type {string} */ (marked.parse(md)))))
      .catch((e) => onError(e.message));
  }, [id, version, versions.length]);
  const regenerate = async () => {
    setBusy(true);
    try {
      const before = versions.length;
      await call(client.POST("/api/v1/tasks/{id}/minutes", { params: { path: { id } }, body: { template } }));
      for (let i = 0; i < 300; i++) {
        await new Promise((r) => setTimeout(r, 500));
        const items = await loadVersions();
        if (items.length > before) { setVersion(0); break; }
      }
    } catch (e) {
      onError(e.message);
    }
    setBusy(false);
  };
  const shown = version ? versions.find((v) => v.version === version) : versions[0];
  return (
    <section class="card">
      <div class="row">
        <h2 class="grow">{t("minutes")}</h2>
        <label>{t("version")}
          <select data-test="version" value={version} onChange={(e) => setVersion(+e.currentTarget.value)}>
            <option value="0">{versions.length ? `${versions[0].version} · ${versions[0].generator.startsWith("edited") ? t("edited") : versions[0].template}` : ""}</option>
            {versions.slice(1).map((v) => <option value={v.version}>{v.version} · {v.generator.startsWith("edited") ? t("edited") : v.template}</option>)}
          </select>
        </label>
        <select data-test="regen-template" value={template} onChange={(e) => setTemplate(e.currentTarget.value)}>
          {templates.map((n) => <option value={n}>{n}</option>)}
        </select>
        <button data-test="regenerate" disabled={busy} onClick={regenerate}>{t("regenerate")}</button>
        <button data-test="edit-minutes" disabled={!!editing} onClick={edit}>{t("edit")}</button>
      </div>
      {editing ? <MinutesEditor doc={editing} onSave={saveEdit} onCancel={() => setEditing(null)} />
               : <article class="markdown" data-test="minutes" dangerouslySetInnerHTML={{ __html: html }} />}
      {!editing && shown && repairNote(shown.repairs, shown.generator, t) &&
        <p class="muted" data-test="minutes-repairs">{repairNote(shown.repairs, shown.generator, t)}</p>}
    </section>
  );
}

function Ask({ id }) {
  const [question, setQuestion] = useState("");
  const [answer, setAnswer] = useState(/** @type {Schemas["Answer"]} */ (null));
  const submit = async (e) => {
    e.preventDefault();
    try {
      setAnswer(await call(client.POST("/api/v1/tasks/{id}/ask", { params: { path: { id } }, body: { question } })));
    } catch (err) {
      // The failure in place of an answer.
      setAnswer({ question, answer: err.message, citations: [], generator: "", repairs: [] });
    }
  };
  return (
    <section class="card">
      <h2>{t("ask")}</h2>
      <form class="row" onSubmit={submit}>
        <input class="grow" data-test="question" value={question}
               onInput={(e) => setQuestion(e.currentTarget.value)} required />
        <button type="submit" data-test="ask">{t("askButton")}</button>
      </form>
      {answer && (
        <div data-test="answer">
          <p>{answer.answer}</p>
          <ul>{(answer.citations || []).map((c) => <li>{clock(c.start)} {c.speaker_name || c.speaker}: {c.text}</li>)}</ul>
          {repairNote(answer.repairs, answer.generator, t) &&
            <p class="muted" data-test="answer-repairs">{repairNote(answer.repairs, answer.generator, t)}</p>}
        </div>
      )}
    </section>
  );
}

export function Meeting({ id }) {
  const [task, setTask] = useState(/** @type {Schemas["Task"]} */ (null));
  const [transcript, setTranscript] = useState(/** @type {Schemas["Transcript"]} */ (null));
  const [audioUrl, setAudioUrl] = useState("");
  const [templates, setTemplates] = useState([]);
  const [error, setError] = useState("");
  const [stamp, setStamp] = useState(0);
  const [now, setNow] = useState(-1);  // where the audio is playing, s
  const audio = useRef(null);
  useEffect(() => {
    let stop = false, timer;
    const poll = async () => {
      try {
        const x = await call(client.GET("/api/v1/tasks/{id}", { params: { path: { id } } }));
        if (stop) return;
        setTask(x);
        if (x.state === "queued" || x.state === "processing") timer = setTimeout(poll, 1000);
      } catch (e) {
        setError(e.status ? e.message : t("network"));
      }
    };
    poll();
    call(client.GET("/api/v1/templates")).then((r) => setTemplates(r.items.map((x) => x.name)))
      .catch(() => {});
    return () => { stop = true; clearTimeout(timer); };
  }, [id]);
  const done = task && task.state === "succeeded";
  useEffect(() => {
    if (!done) return;
    call(client.GET("/api/v1/tasks/{id}/transcript", { params: { path: { id }, query: { format: "json" } } }))
      .then((tr) => setTranscript(/** @type {Schemas["Transcript"]} */ (/** @type {unknown} */ (tr))))
      .catch((e) => setError(e.message));
  }, [done, stamp]);
  useEffect(() => {
    if (!task || !task.size) return;
    let url = "";
    blob(`/api/v1/tasks/${id}/audio`).then((b) => { url = URL.createObjectURL(b); setAudioUrl(url); })
      .catch(() => {});
    return () => url && URL.revokeObjectURL(url);
  }, [task && task.id]);
  const rename = async (speaker) => {
    const name = prompt(`${t("renamePrompt")} ${speaker.name || speaker.id}`, speaker.name || "");
    if (name == null) return;
    try {
      await call(client.PUT("/api/v1/tasks/{id}/speakers",
                            { params: { path: { id } }, body: { [speaker.id]: name.trim() || null } }));
      setStamp((n) => n + 1);
    } catch (e) {
      setError(e.message);
    }
  };
  if (!task) return error ? <p class="error" role="alert">{error}</p> : null;
  return (
    <div>
      <a href="#/">← {t("back")}</a>
      <section class="card">
        <div class="row">
          <h1 class="grow" data-test="title">{task.title || task.filename}</h1>
          <StateBadge task={task} />
        </div>
        {task.state === "failed" && (
          <p class="error" role="alert" data-test="failure">{t("failedBecause")} {task.error}</p>
        )}
        {error && <p class="error" role="alert">{error}</p>}
        {audioUrl && <audio ref={audio} controls src={audioUrl} data-test="audio"
                            onTimeUpdate={(e) => setNow(e.currentTarget.currentTime)} />}
        {done && (
          <div class="row downloads">
            <span>{t("downloads")}:</span>
            {EXPORTS.map(([kind, format]) => (
              <button class="link" data-test={`download-${kind}-${format}`}
                      onClick={() => save(id, kind, format, task.title).catch((e) => setError(e.message))}>
                {t(kind)} .{format}
              </button>
            ))}
          </div>
        )}
      </section>
      {done && <Minutes key={stamp} id={id} templates={templates} onError={setError} />}
      {done && <Ask id={id} />}
      <section class="card">
        <h2>{t("transcript")}</h2>
        {transcript ? <Transcript id={id} transcript={transcript} audio={audio} now={now} onRename={rename}
                                  onSaved={() => setStamp((n) => n + 1)} onError={setError} />
                    : <p class="muted">{t("waiting")}</p>}
      </section>
    </div>
  );
}
