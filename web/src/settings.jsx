// Templates and hotword sets (everyone in the tenant), users and usage/cost (admins).
import { useEffect, useState } from "preact/hooks";
import { call, client } from "./api.js";

/** @typedef {import("./api.js").Schemas} Schemas */
import { t } from "./i18n.js";
import { clock } from "./format.js";

/**
 * A list the page shows, fetched again on reload().
 * @template T
 * @param {() => Promise<{items: T[]}>} fetchList
 * @returns {{items: T[], error: string, reload: () => void, setError: (m: string) => void}}
 */
function useList(fetchList) {
  const [items, setItems] = useState(/** @type {T[]} */ ([]));
  const [error, setError] = useState("");
  const [n, setN] = useState(0);
  useEffect(() => {
    fetchList().then((r) => { setItems(r.items); setError(""); }).catch((e) => setError(e.message));
  }, [n]);
  return { items, error, reload: () => setN((x) => x + 1), setError };
}

const byName = (name) => ({ params: { path: { name } } });
const byId = (id) => ({ params: { path: { id } } });

export function Templates() {
  const { items, error, reload, setError } = useList(() => call(client.GET("/api/v1/templates")));
  const [editing, setEditing] = useState(null);  // {name, body, isNew}
  const open = async (name) => {
    try {
      const tpl = await call(client.GET("/api/v1/templates/{name}", byName(name)));
      setEditing({ name, body: tpl.body, isNew: false });
    } catch (e) { setError(e.message); }
  };
  const save = async () => {
    try {
      await call(client.PUT("/api/v1/templates/{name}",
                            { ...byName(editing.name), body: { body: editing.body } }));
      setEditing(null);
      reload();
    } catch (e) { setError(e.message); }
  };
  const remove = async (name) => {
    if (!confirm(`${t("deleteConfirm")} ${name}?`)) return;
    try { await call(client.DELETE("/api/v1/templates/{name}", byName(name))); reload(); }
    catch (e) { setError(e.message); }
  };
  return (
    <section class="card" data-test="templates">
      <div class="row"><h2 class="grow">{t("templates")}</h2>
        <button data-test="new-template" onClick={() => setEditing({ name: "", body: "{{! prompt: }}\n# {{title}}\n", isNew: true })}>{t("new")}</button></div>
      {error && <p class="error" role="alert">{error}</p>}
      <table class="list"><tbody>
        {items.map((x) => (
          <tr data-test="template-row"><td><a href="javascript:void 0" onClick={() => open(x.name)}>{x.name}</a></td>
            <td class="muted">{x.builtin ? t("builtin") : `${t("version")} ${x.version}`}</td>
            <td>{!x.builtin && <button class="link" onClick={() => remove(x.name)}>{t("delete")}</button>}</td></tr>
        ))}
      </tbody></table>
      {editing && (
        <div class="editor">
          {editing.isNew && <label>{t("name")}<input data-test="template-name" value={editing.name}
            onInput={(e) => setEditing({ ...editing, name: e.currentTarget.value })} /></label>}
          {!editing.isNew && <h3>{editing.name}</h3>}
          <label>{t("templateBody")}<textarea rows={14} data-test="template-body" value={editing.body}
            onInput={(e) => setEditing({ ...editing, body: e.currentTarget.value })} /></label>
          <div class="row"><button data-test="save-template" onClick={save}>{t("save")}</button>
            <button class="link" onClick={() => setEditing(null)}>{t("cancel")}</button></div>
        </div>
      )}
    </section>
  );
}

export function Hotwords() {
  const { items, error, reload, setError } = useList(() => call(client.GET("/api/v1/hotword-sets")));
  const [editing, setEditing] = useState(null);  // {id?, name, words}
  const open = async (id) => {
    try {
      const s = await call(client.GET("/api/v1/hotword-sets/{id}", byId(id)));
      setEditing({ id, name: s.name, words: s.words.map((w) => w.word).join("\n") });
    } catch (e) { setError(e.message); }
  };
  const save = async () => {
    const body = { name: editing.name, words: editing.words.split("\n").map((w) => w.trim()).filter(Boolean) };
    try {
      if (editing.id) await call(client.PUT("/api/v1/hotword-sets/{id}", { ...byId(editing.id), body }));
      else await call(client.POST("/api/v1/hotword-sets", { body }));
      setEditing(null);
      reload();
    } catch (e) { setError(e.message); }
  };
  const remove = async (s) => {
    if (!confirm(`${t("deleteConfirm")} ${s.name}?`)) return;
    try { await call(client.DELETE("/api/v1/hotword-sets/{id}", byId(s.id))); reload(); }
    catch (e) { setError(e.message); }
  };
  return (
    <section class="card" data-test="hotwords">
      <div class="row"><h2 class="grow">{t("hotwordSets")}</h2>
        <button data-test="new-hotwords" onClick={() => setEditing({ name: "", words: "" })}>{t("new")}</button></div>
      {error && <p class="error" role="alert">{error}</p>}
      <table class="list"><tbody>
        {items.map((s) => (
          <tr data-test="hotword-row"><td><a href="javascript:void 0" onClick={() => open(s.id)}>{s.name}</a></td>
            <td><button class="link" onClick={() => remove(s)}>{t("delete")}</button></td></tr>
        ))}
      </tbody></table>
      {editing && (
        <div class="editor">
          <label>{t("name")}<input data-test="hotwords-name" value={editing.name}
            onInput={(e) => setEditing({ ...editing, name: e.currentTarget.value })} /></label>
          <label>{t("words")}<textarea rows={8} data-test="hotwords-words" value={editing.words}
            onInput={(e) => setEditing({ ...editing, words: e.currentTarget.value })} /></label>
          <div class="row"><button data-test="save-hotwords" onClick={save}>{t("save")}</button>
            <button class="link" onClick={() => setEditing(null)}>{t("cancel")}</button></div>
        </div>
      )}
    </section>
  );
}

export function Users() {
  const { items, error, reload, setError } = useList(() => call(client.GET("/api/v1/users")));
  /** @type {Schemas["NewUser"]} */
  const blank = { username: "", password: "", role: "member" };
  const [form, setForm] = useState(blank);
  const add = async (e) => {
    e.preventDefault();
    try { await call(client.POST("/api/v1/users", { body: form })); setForm(blank); reload(); }
    catch (err) { setError(err.message); }
  };
  const toggle = async (u) => {
    try { await call(client.PATCH("/api/v1/users/{id}", { ...byId(u.id), body: { disabled: !u.disabled } })); reload(); }
    catch (e) { setError(e.message); }
  };
  return (
    <section class="card" data-test="users">
      <h2>{t("users")}</h2>
      {error && <p class="error" role="alert">{error}</p>}
      <table class="list"><tbody>
        {items.map((u) => (
          <tr data-test="user-row"><td>{u.username}</td><td>{u.role}</td>
            <td>{u.disabled ? t("disabled") : ""}</td>
            <td><button class="link" onClick={() => toggle(u)}>{u.disabled ? t("enable") : t("disable")}</button></td></tr>
        ))}
      </tbody></table>
      <form class="row" onSubmit={add}>
        <input placeholder={t("username")} data-test="new-username" value={form.username} required
               onInput={(e) => setForm({ ...form, username: e.currentTarget.value })} />
        <input placeholder={t("password")} type="password" data-test="new-password" value={form.password} required
               onInput={(e) => setForm({ ...form, password: e.currentTarget.value })} />
        <select value={form.role} onChange={(e) => setForm({ ...form, role: /** @type {Schemas["Role"]} */ (e.currentTarget.value) })}>
          <option value="member">member</option><option value="admin">admin</option></select>
        <button type="submit" data-test="add-user">{t("addUser")}</button>
      </form>
    </section>
  );
}

export function Usage() {
  const [group, setGroup] = useState(/** @type {"user" | "day"} */ ("user"));
  const [data, setData] = useState(/** @type {Schemas["Usage"]} */ (null));
  const [error, setError] = useState("");
  useEffect(() => {
    call(client.GET("/api/v1/usage", { params: { query: { group_by: group } } }))
      .then(setData).catch((e) => setError(e.message));
  }, [group]);
  const row = (x, key) => (
    <tr data-test="usage-row"><td>{key}</td><td>{x.tasks}</td><td>{clock(x.audio_seconds)}</td>
      <td>{x.tokens_in}</td><td>{x.tokens_out}</td><td>{Number(x.cost).toFixed(4)}</td></tr>
  );
  return (
    <section class="card" data-test="usage">
      <div class="row"><h2 class="grow">{t("usage")}</h2>
        <select value={group} onChange={(e) => setGroup(e.currentTarget.value === "day" ? "day" : "user")}>
          <option value="user">{t("byUser")}</option><option value="day">{t("byDay")}</option></select></div>
      {error && <p class="error" role="alert">{error}</p>}
      {data && (
        <table class="list">
          <thead><tr><th /><th>{t("tasks")}</th><th>{t("audio")}</th><th>{t("tokensIn")}</th>
            <th>{t("tokensOut")}</th><th>{t("cost")}</th></tr></thead>
          <tbody>{data.items.map((x) => row(x, x.key))}{row(data.totals, t("total"))}</tbody>
        </table>
      )}
    </section>
  );
}
