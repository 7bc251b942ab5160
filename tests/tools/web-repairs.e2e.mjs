// What a language model got wrong, as a person sees it in the web app (Debian's Chromium,
// headless, playwright-core): a meeting whose minutes the model wrote with a citation that names
// no speaker and one that names no segment, and a question whose answer cites a segment that does
// not exist. The meeting page must say, beside the minutes and beside the answer, what was left
// out — in English and in Chinese — and keep the model's own words. Started by
// tests/e2e/web_app_e2e_test.cpp with the service's address, a user and the meeting's id.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { recordAnswers } from "./record-answers.mjs";

const { MINUTES_URL: url, MINUTES_USER: user, MINUTES_PASSWORD: password, MINUTES_TASK: task,
        MINUTES_SHOTS: shots } = process.env;
mkdirSync(shots, { recursive: true });

let step = "start";
let page;
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true,
                                        args: ["--no-sandbox"] });
try {
  page = await browser.newPage({ locale: "en-US", viewport: { width: 1200, height: 900 } });
  const answers = recordAnswers(page, process.env.MINUTES_ANSWERS);
  const problems = [];
  page.on("pageerror", (e) => problems.push(String(e)));

  step = "logging in";
  await page.goto(url + "/");
  await page.fill("input[name=username]", user);
  await page.fill("input[name=password]", password);
  await page.click("button[type=submit]");
  await page.locator("[data-test=meeting-row]").first().waitFor();

  step = "the model's minutes are shown, with what it got wrong said beside them";
  await page.goto(`${url}/#/meetings/${task}`);
  await page.locator("[data-test=minutes]", { hasText: "Ship the beta on Friday" }).waitFor();
  const note = page.locator("[data-test=minutes-repairs]");
  await note.waitFor();
  const said = await note.innerText();
  for (const words of ["openai:gpt-4o-mini", "2 citations the model got wrong were left out"])
    if (!said.includes(words)) throw new Error(`the note says "${said}", not "${words}"`);
  await page.screenshot({ path: `${shots}/repairs-minutes.png`, fullPage: true });

  step = "an answer citing what was never said keeps its words and says what was left out";
  await page.fill("[data-test=question]", "When do we ship?");
  await page.click("[data-test=ask]");
  const answer = page.locator("[data-test=answer]", { hasText: "Friday, as agreed." });
  await answer.waitFor();
  const answerNote = await page.locator("[data-test=answer-repairs]").innerText();
  if (!answerNote.includes("1 citation the model got wrong was left out"))
    throw new Error(`the answer's note says "${answerNote}"`);

  step = "in Chinese the note is Chinese";
  await page.evaluate(() => localStorage.setItem("minutes.lang", "zh"));
  await page.reload();
  const zh = page.locator("[data-test=minutes-repairs]");
  await zh.waitFor();
  const zhSaid = await zh.innerText();
  if (!zhSaid.includes("省略了 2 处模型写错的引用")) throw new Error(`the Chinese note says "${zhSaid}"`);
  await page.screenshot({ path: `${shots}/repairs-minutes-zh.png`, fullPage: true });

  step = "no script errors";
  if (problems.length) throw new Error(problems.join("\n"));
  await answers();
  console.log("every step passed");
} catch (e) {
  console.error(`FAILED at "${step}": ${e.message}`);
  if (page) await page.screenshot({ path: `${shots}/repairs-failed.png`, fullPage: true });
  process.exitCode = 1;
} finally {
  await browser.close();
}
