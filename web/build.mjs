// Builds the web app into dist/: one minified bundle (Preact, marked, DOMPurify and our code),
// the stylesheet and the page. Run by scripts/setup.sh (`npm run build`); dist/ is not committed.
// The bundle and stylesheet also get content-hashed names (app.<hash>.js), which the page links,
// so the server can let browsers keep them for a year; every file gets a gzip twin (.gz) that
// the server sends to clients accepting gzip.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

mkdirSync("dist", { recursive: true });
for (const f of readdirSync("dist")) rmSync(`dist/${f}`);
await build({
  entryPoints: ["src/main.jsx"],
  bundle: true,
  minify: true,
  sourcemap: false,
  format: "iife",
  target: ["es2020"],
  jsx: "automatic",
  jsxImportSource: "preact",
  outfile: "dist/app.js",
  logLevel: "warning",
});
copyFileSync("src/app.css", "dist/app.css");

const hashed = {};
for (const name of ["app.js", "app.css"]) {
  const data = readFileSync(`dist/${name}`);
  const hash = createHash("sha256").update(data).digest("hex").slice(0, 16);
  const dot = name.lastIndexOf(".");
  hashed[name] = `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
  writeFileSync(`dist/${hashed[name]}`, data);
}
let page = readFileSync("src/index.html", "utf8");
for (const [plain, named] of Object.entries(hashed)) page = page.replace(`/app/${plain}`, `/app/${named}`);
writeFileSync("dist/index.html", page);
for (const f of readdirSync("dist"))
  writeFileSync(`dist/${f}.gz`, gzipSync(readFileSync(`dist/${f}`), { level: 9 }));
console.log(`web: built dist/ (index.html, ${Object.values(hashed).join(", ")}, gzip twins)`);
