// The meetings list (search, paging, live state) with the upload panel above it.
import { useEffect, useState } from "preact/hooks";
import { call, client } from "./api.js";
import { t } from "./i18n.js";
import { clock, day } from "./format.js";
import { Upload } from "./upload.jsx";

const PAGE = 20;

export function StateBadge({ task }) {
  const busy = task.state === "processing";
  return (
    <span class={"badge " + task.state} data-test="state">
      {t(task.state)}
      {busy && task.stage ? ` · ${t(task.stage)} ${Math.round(task.progress * 100)}%` : ""}
    </span>
  );
}

export function Meetings() {
  const [q, setQ] = useState("");
  const [page, setPage] = useState(1);
  const [data, setData] = useState(
    /** @type {import("./api.js").Schemas["TaskPage"]} */ ({ items: [], total: 0, page: 1, page_size: PAGE }));
  const [error, setError] = useState("");
  const [tick, setTick] = useState(0);
  const load = async () => {
    try {
      const query = { page, page_size: PAGE, ...(q ? { q } : {}) };
      setData(await call(client.GET("/api/v1/tasks", { params: { query } })));
      setError("");
    } catch (e) {
      setError(e.status ? e.message : t("network"));
    }
  };
  useEffect(() => { load(); }, [q, page, tick]);
  // While something is queued or processing, refresh every two seconds.
  const busy = data.items.some((x) => x.state === "queued" || x.state === "processing");
  useEffect(() => {
    if (!busy) return;
    const id = setTimeout(() => setTick((n) => n + 1), 2000);
    return () => clearTimeout(id);
  }, [busy, data]);
  const pages = Math.max(1, Math.ceil(data.total / PAGE));
  return (
    <div>
      <Upload onUploaded={() => setTick((n) => n + 1)} />
      <section class="card">
        <div class="row">
          <h2 class="grow">{t("meetings")}</h2>
          <input type="search" data-test="search" placeholder={t("search")} value={q}
                 onInput={(e) => { setPage(1); setQ(e.currentTarget.value); }} />
        </div>
        {error && <p class="error" role="alert">{error}</p>}
        {data.items.length === 0 ? (
          <p class="muted">{t("noMeetings")}</p>
        ) : (
          <table class="list">
            <thead><tr><th>{t("title")}</th><th>{t("date")}</th><th>{t("duration")}</th>
              <th>{t("state")}</th></tr></thead>
            <tbody>
              {data.items.map((m) => (
                <tr key={m.id} data-test="meeting-row">
                  <td><a href={"#/meetings/" + m.id}>{m.title || m.filename || m.id}</a></td>
                  <td>{day(m.created_at)}</td>
                  <td>{clock(m.duration)}</td>
                  <td><StateBadge task={m} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {pages > 1 && (
          <div class="row pager">
            <button disabled={page <= 1} onClick={() => setPage(page - 1)}>{t("previous")}</button>
            <span>{page} / {pages}</span>
            <button disabled={page >= pages} onClick={() => setPage(page + 1)}>{t("next")}</button>
          </div>
        )}
      </section>
    </div>
  );
}
