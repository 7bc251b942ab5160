import { useState } from "preact/hooks";
import { call, client, setToken } from "./api.js";
import { t } from "./i18n.js";

export function Login() {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const submit = async (e) => {
    e.preventDefault();
    setError("");
    try {
      const r = await call(client.POST("/api/v1/auth/login", { body: { username, password } }));
      setToken(r.access_token);
      location.hash = "#/";
    } catch (err) {
      setError(err.status === 401 ? t("loginFailed") : err.status ? err.message : t("network"));
    }
  };
  return (
    <form class="card login" onSubmit={submit}>
      <h1>{t("appName")}</h1>
      <label>{t("username")}<input name="username" autocomplete="username" value={username}
        onInput={(e) => setUsername(e.currentTarget.value)} required /></label>
      <label>{t("password")}<input name="password" type="password" autocomplete="current-password"
        value={password} onInput={(e) => setPassword(e.currentTarget.value)} required /></label>
      {error && <p class="error" role="alert">{error}</p>}
      <button type="submit">{t("login")}</button>
    </form>
  );
}
