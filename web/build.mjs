// Builds the web app into dist/: one minified bundle (Preact, marked, DOMPurify and our code),
// the stylesheet and the page. Run by scripts/setup.sh (`npm run build`); dist/ is not committed.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";

mkdirSync("dist", { recursive: true });
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
copyFileSync("src/index.html", "dist/index.html");
copyFileSync("src/app.css", "dist/app.css");
console.log("web: built dist/ (index.html, app.js, app.css)");
