// The app's shell: a hash router (#/login, #/, #/meetings/ID), the header with the language
// switch and log out, and the pages.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { getToken, setToken } from "./api.js";
import { language, setLanguage, t } from "./i18n.js";
import { Login } from "./login.jsx";
import { Meetings } from "./meetings.jsx";
import { Meeting } from "./meeting.jsx";
import { Hotwords, Templates, Usage, Users } from "./settings.jsx";
import { call, client } from "./api.js";

function useRoute() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener("hashchange", on);
    on();  // a change made before the listener was attached
    return () => removeEventListener("hashchange", on);
  }, []);
  return hash.replace(/^#/, "") || "/";
}

function Header({ lang, onLanguage, me }) {
  return (
    <header class="bar">
      <a class="brand" href="#/">{t("appName")}</a>
      {me && (
        <nav class="row">
          <a href="#/" data-test="nav-meetings">{t("meetings")}</a>
          <a href="#/templates" data-test="nav-templates">{t("templates")}</a>
          <a href="#/hotwords" data-test="nav-hotwords">{t("hotwordSets")}</a>
          {me.role === "admin" && <a href="#/users" data-test="nav-users">{t("users")}</a>}
          {me.role === "admin" && <a href="#/usage" data-test="nav-usage">{t("usage")}</a>}
        </nav>
      )}
      <span class="grow" />
      <select aria-label="language" data-test="language" value={lang}
              onChange={(e) => onLanguage(e.currentTarget.value)}>
        <option value="en">English</option>
        <option value="zh">简体中文</option>
      </select>
      {getToken() && (
        <button class="link" data-test="logout"
                onClick={() => { setToken(null); location.hash = "#/login"; }}>
          {t("logout")}
        </button>
      )}
    </header>
  );
}

function App() {
  const asked = useRoute();
  const [lang, setLang] = useState(language());
  useEffect(() => setLanguage(lang), []);
  const switchLanguage = (l) => {
    setLanguage(l);  // remembered first: t() reads it while the new language renders
    setLang(l);
  };
  const route = getToken() ? asked : "/login";  // nothing but the login page without a token
  const [me, setMe] = useState(/** @type {import("./api.js").Schemas["Me"]} */ (null));
  useEffect(() => {
    if (route === "/login") setMe(null);
    else if (!me) call(client.GET("/api/v1/me")).then(setMe).catch(() => {});
  }, [route]);
  useEffect(() => {
    if (route !== asked) location.hash = "#" + route;
  }, [route, asked]);
  const meeting = route.match(/^\/meetings\/([0-9a-f]+)$/);
  return (
    <div key={lang}>
      <Header lang={lang} onLanguage={switchLanguage} me={route === "/login" ? null : me} />
      <main>
        {route === "/login" ? <Login />
          : meeting ? <Meeting id={meeting[1]} />
          : route === "/templates" ? <Templates />
          : route === "/hotwords" ? <Hotwords />
          : route === "/users" ? <Users />
          : route === "/usage" ? <Usage />
          : <Meetings />}
      </main>
    </div>
  );
}

render(<App />, document.getElementById("app"));
