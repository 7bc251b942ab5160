// Keeps what the service answered the browser, for the test that started the script to check
// against the service's own contract (tests/support/contract_guard.hpp): one JSON object a line
// {method, path, status, content_type, body} in the file MINUTES_ANSWERS names (JSON bodies only;
// others are checked by status and type; body null when the browser did not keep it). Returns a function that waits for the last ones.
import { appendFileSync } from "node:fs";

export function recordAnswers(target, file) {
  if (!file) return () => Promise.resolve();
  const pending = [];
  target.on("response", (res) => {
    const u = new URL(res.url());
    const type = res.headers()["content-type"] || "";
    const entry = { method: res.request().method(), path: u.pathname + u.search,
                    status: res.status(), content_type: type };
    // "" for a JSON answer means the browser did not keep it (a download it streamed to a blob):
    // no JSON answer of the service is empty, and the tests' own client checks those bodies.
    // A body the browser never finishes handing over (a download) must not hold the test up.
    const late = new Promise((resolve) => setTimeout(() => resolve(null), 3000));
    const body = type.includes("json")
      ? Promise.race([res.text().then((t) => t || null, () => null), late])
      : Promise.resolve("");
    pending.push(body.then((text) => appendFileSync(file, JSON.stringify({ ...entry, body: text }) + "\n")));
  });
  return () => Promise.all(pending);
}
