// The service's public API, as the app uses it: a client typed by the API's own description
// (openapi-fetch over gen/api.d.ts, generated from openapi.json), the bearer token kept in
// localStorage, errors turned into messages a person can read.
import createClient from "openapi-fetch";

/** @typedef {import("../gen/api").paths} paths */
/** @typedef {import("../gen/api").components["schemas"]} Schemas */

const TOKEN = "minutes.token";

export const getToken = () => localStorage.getItem(TOKEN);
export const setToken = (t) => (t ? localStorage.setItem(TOKEN, t) : localStorage.removeItem(TOKEN));

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function authHeaders() {
  const t = getToken();
  return t ? { Authorization: "Bearer " + t } : {};
}

// A 401 while signed in: the token is no longer valid (expired, revoked), sign in again.
function signedOut(status) {
  if (status === 401 && getToken()) {
    setToken(null);
    location.hash = "#/login";
  }
}

async function failure(res) {
  let message = res.statusText || "HTTP " + res.status;
  try {
    const j = await res.json();
    message = (j.error && j.error.message) || message;
  } catch (_) {}
  signedOut(res.status);
  return new ApiError(res.status, message);
}

/** The typed client: `client.GET("/api/v1/tasks/{id}", {params: {path: {id}}})`. */
export const client = /** @type {import("openapi-fetch").Client<paths>} */ (createClient({ baseUrl: "" }));
client.use({
  onRequest({ request }) {
    const t = getToken();
    if (t) request.headers.set("Authorization", "Bearer " + t);
    return request;
  },
});

/**
 * What a request of the typed client answered: its data, or an ApiError with the server's
 * message.
 * @template T
 * @param {Promise<{data?: T, error?: any, response: Response}>} pending
 * @returns {Promise<T>}
 */
export async function call(pending) {
  const { data, error, response } = await pending;
  if (response.ok) return data;
  signedOut(response.status);
  const message = (error && error.error && error.error.message) || response.statusText ||
    "HTTP " + response.status;
  throw new ApiError(response.status, message);
}

/** The body as a Blob (exports, audio). */
export async function blob(path) {
  const res = await fetch(path, { headers: authHeaders() });
  if (!res.ok) throw await failure(res);
  return res.blob();
}

/**
 * Uploads `file` with its fields as multipart/form-data, reporting progress 0..1.
 * @param {File} file
 * @param {Record<string, string>} fields
 * @param {(fraction: number) => void} onProgress
 * @returns {Promise<Schemas["Task"]>}
 */
export function upload(file, fields, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) if (v !== "" && v != null) form.append(k, v);
    form.append("file", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/tasks");
    const t = getToken();
    if (t) xhr.setRequestHeader("Authorization", "Bearer " + t);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let j = /** @type {any} */ ({});
      try {
        j = JSON.parse(xhr.responseText);
      } catch (_) {}
      if (xhr.status === 201) resolve(j);
      else reject(new ApiError(xhr.status, (j.error && j.error.message) || "HTTP " + xhr.status));
    };
    xhr.onerror = () => reject(new ApiError(0, "network"));
    xhr.send(form);
  });
}

// Big recordings go through the resumable upload API: parts PUT straight to their URLs
// (presigned object-store URLs, or the API's own), what already arrived is skipped when the
// same file is picked again after an interruption, then the upload is completed and becomes
// a task. The threshold can be lowered with localStorage "minutes.directUploadFrom" (bytes).
export const directUploadFrom = () =>
  Number(localStorage.getItem("minutes.directUploadFrom")) || 64 * 1024 * 1024;

function putPart(url, body, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded);
    xhr.onload = () => {
      if (xhr.status < 200 || xhr.status >= 300)
        return reject(new ApiError(xhr.status, "part upload failed: HTTP " + xhr.status));
      let etag = xhr.getResponseHeader("ETag") || "";
      try {
        etag = JSON.parse(xhr.responseText).etag || etag;
      } catch (_) {}
      resolve(etag);
    };
    xhr.onerror = () => reject(new ApiError(0, "network"));
    xhr.send(body);
  });
}

/**
 * @param {File} file
 * @param {Record<string, string>} fields
 * @param {(fraction: number) => void} onProgress
 * @returns {Promise<Schemas["Task"]>}
 */
export async function uploadLarge(file, fields, onProgress) {
  const key = `minutes.upload:${file.name}:${file.size}:${file.lastModified}`;
  /** @type {Schemas["Upload"]} */
  let up = null;
  /** @type {Schemas["ReceivedPart"][]} */
  let received = [];
  const known = localStorage.getItem(key);
  if (known) {
    try {
      up = await call(client.GET("/api/v1/uploads/{id}", { params: { path: { id: known } } }));
      if (up.state !== "open") up = null;
      else received = up.parts_received || [];
    } catch (_) {
      up = null;
    }
  }
  if (!up) {
    up = await call(client.POST("/api/v1/uploads", { body: { filename: file.name, size: file.size,
      content_type: file.type || "application/octet-stream" } }));
    received = [];
    localStorage.setItem(key, up.id);
  }
  const etags = Object.fromEntries(received.map((p) => [p.number, p.etag]));
  let done = received.reduce((n, p) => n + p.size, 0);
  onProgress(done / file.size);
  for (const part of up.parts) {
    if (etags[part.number]) continue;
    const from = (part.number - 1) * up.part_size;
    const body = file.slice(from, from + part.size);
    etags[part.number] = await putPart(part.url, body, (n) => onProgress((done + n) / file.size));
    done += part.size;
  }
  const parts = Object.entries(etags).map(([n, etag]) => ({ number: Number(n), etag }))
    .sort((a, b) => a.number - b.number);
  await call(client.POST("/api/v1/uploads/{id}/complete",
                         { params: { path: { id: up.id } }, body: { parts } }));
  /** @type {Schemas["TaskFromUpload"]} */
  const body = { upload_id: up.id };
  for (const [k, v] of Object.entries(fields))
    if (v !== "" && v != null) body[k] = k === "expected_speakers" ? Number(v) : v;
  const task = await call(client.POST("/api/v1/tasks", { body }));
  localStorage.removeItem(key);
  return task;
}
