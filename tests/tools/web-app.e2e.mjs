// The web app in a real browser: Debian's Chromium, headless, driven by playwright-core against
// a running `minutes serve` (started by tests/e2e/web_app_e2e_test.cpp, which passes its address, a user,
// a recording and where screenshots go). Each step asserts what a person would see; a failed
// step exits non-zero naming it. Screenshots of every page are kept for people to look at.
import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { readFileSync, mkdirSync } from "node:fs";
import assert from "node:assert/strict";
import { recordAnswers } from "./record-answers.mjs";

const { MINUTES_URL: url, MINUTES_USER: user, MINUTES_PASSWORD: password,
        MINUTES_RECORDING: recording, MINUTES_RECORDING2: recording2, MINUTES_SHOTS: shots,
        MINUTES_MAX_UPLOAD: maxUpload } = process.env;
mkdirSync(shots, { recursive: true });

let step = "start";
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
});
try {
  const context = await browser.newContext({ acceptDownloads: true, locale: "en-US",
                                             viewport: { width: 1200, height: 900 } });
  const answers = recordAnswers(context, process.env.MINUTES_ANSWERS);
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(String(e)));
  const shot = (name) => page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });

  step = "the app asks to log in";
  await page.goto(url + "/");
  await page.waitForSelector("form.login");
  await shot("01-login");

  step = "a wrong password is refused in words";
  await page.fill("input[name=username]", user);
  await page.fill("input[name=password]", "not-the-password");
  await page.click("button[type=submit]");
  await page.getByText("Wrong username or password.").waitFor();

  step = "logging in shows the meetings";
  await page.fill("input[name=password]", password);
  await page.click("button[type=submit]");
  await page.getByText("No meetings yet").waitFor();
  await shot("02-meetings-empty");

  step = "a file over the limit is refused before it is sent";
  await page.setInputFiles("[data-test=file]", {
    name: "too-big.wav", mimeType: "audio/wav", buffer: Buffer.alloc(Number(maxUpload) + 1) });
  await page.getByText("too-big.wav is larger than the limit of").waitFor();

  step = "uploading a recording shows its progress, then it is processed";
  await page.selectOption("[data-test=template]", "default");
  await page.setInputFiles("[data-test=file]", recording);
  await page.locator("[data-test=meeting-row]").first().waitFor();
  await page.locator("[data-test=meeting-row] [data-test=state]", { hasText: "Done" })
    .waitFor({ timeout: 240000 });
  await shot("03-meetings-done");

  step = "searching finds the meeting by what was said";
  await page.fill("[data-test=search]", "migration");
  await page.locator("[data-test=meeting-row]").first().waitFor();
  await page.fill("[data-test=search]", "zebra crossing");
  await page.getByText("No meetings yet").waitFor();
  await page.fill("[data-test=search]", "");

  step = "the meeting page shows the transcript with its speakers";
  await page.locator("[data-test=meeting-row] a").first().click();
  await page.locator("[data-test=line]").first().waitFor();
  const speakers = await page.locator("[data-test=speaker]").count();
  assert.ok(speakers >= 2, `expected at least two speakers, saw ${speakers}`);
  await page.locator("[data-test=minutes] h1").waitFor();
  await page.waitForSelector("[data-test=audio]");
  await shot("04-meeting");

  step = "clicking a line plays from there and highlights it";
  const third = page.locator("[data-test=line]").nth(2);
  await third.click();
  await page.waitForFunction(() => {
    const a = document.querySelector("audio");
    return a && a.currentTime > 0;
  });
  await page.locator("[data-test=line].playing").first().waitFor();

  step = "renaming a speaker changes every line and the minutes";
  page.once("dialog", (d) => d.accept("Alice Chen"));
  await page.click("[data-test=rename-S1]");
  await page.locator("[data-test=line]", { hasText: "Alice Chen" }).first().waitFor();
  await page.locator("[data-test=minutes]", { hasText: "Alice Chen" }).waitFor();
  const lines = await page.locator("[data-test=line]").allInnerTexts();
  assert.ok(!lines.some((l) => /\bS1\b/.test(l)), "no line still says S1");
  await shot("05-renamed");

  step = "fixing a line's text";
  const second = page.locator("[data-test=line]").nth(1);
  await second.hover();
  await second.locator("[data-test=edit-line]").click();
  await page.fill("[data-test=line-input]", "Yesterday I finished the login page and fixed two bugs.");
  await page.press("[data-test=line-input]", "Enter");
  await page.locator("[data-test=line]", { hasText: "fixed two bugs." }).waitFor();

  step = "every export downloads with the new name in it";
  const download = async (kind, format) => {
    const [d] = await Promise.all([page.waitForEvent("download"),
                                   page.click(`[data-test=download-${kind}-${format}]`)]);
    return readFileSync(await d.path());
  };
  const txt = (await download("transcript", "txt")).toString();
  assert.match(txt, /Alice Chen/);
  assert.match(txt, /finished the login page and fixed two bugs\./, "the fixed line is exported");
  assert.match((await download("transcript", "srt")).toString(), /\d\d:\d\d:\d\d,\d\d\d --> /);
  assert.match((await download("transcript", "vtt")).toString(), /^WEBVTT/);
  const tj = JSON.parse((await download("transcript", "json")).toString());
  assert.ok(tj.speakers.some((s) => s.name === "Alice Chen"), "transcript.json names Alice Chen");
  assert.match((await download("minutes", "md")).toString(), /Alice Chen/);
  const docx = await download("minutes", "docx");
  assert.equal(docx.subarray(0, 2).toString(), "PK", "a DOCX is a zip");
  const docxPath = `${shots}/minutes.docx`;
  (await import("node:fs")).writeFileSync(docxPath, docx);
  assert.match(execFileSync("unzip", ["-p", docxPath, "word/document.xml"]).toString(), /Alice Chen/);
  const mj = JSON.parse((await download("minutes", "json")).toString());
  assert.ok(typeof mj.title === "string" && mj.title.length > 0, "minutes.json has a title");

  step = "regenerating with another template adds a selectable version";
  await page.selectOption("[data-test=regen-template]", "action-items");
  await page.click("[data-test=regenerate]");
  await page.locator("[data-test=version] option").nth(1).waitFor({ state: "attached", timeout: 120000 });
  await page.locator("[data-test=minutes] h1", { hasText: "Action items" }).waitFor();
  await page.selectOption("[data-test=version]", "1");
  await page.locator("[data-test=minutes] h1", { hasText: "Action items" }).waitFor({ state: "detached" });
  await shot("06-regenerated");

  step = "editing the minutes stores a new version";
  await page.click("[data-test=edit-minutes]");
  await page.fill("[data-test=edit-title]", "Weekly standup, edited");
  const actions = await page.inputValue("[data-test=edit-actions]");
  await page.fill("[data-test=edit-actions]", actions + "\nBook the demo room | Alice Chen | Friday");
  await page.click("[data-test=save-minutes]");
  await page.locator("[data-test=minutes] h1", { hasText: "Weekly standup, edited" }).waitFor();
  await page.locator("[data-test=minutes]", { hasText: "Book the demo room" }).waitFor();
  assert.equal(await page.locator("[data-test=version] option").count(), 3);
  assert.match((await download("minutes", "md")).toString(), /Book the demo room/);
  await shot("07-edited");

  step = "a question gets an answer citing the meeting";
  await page.fill("[data-test=question]", "Who runs the migration?");
  await page.click("[data-test=ask]");
  await page.locator("[data-test=answer] li").first().waitFor();

  const meetingUrl = page.url();

  step = "a template with its own prompt is created";
  await page.click("[data-test=nav-templates]");
  await page.locator("[data-test=template-row]", { hasText: "default" }).waitFor();
  await page.click("[data-test=new-template]");
  await page.fill("[data-test=template-name]", "risks");
  await page.fill("[data-test=template-body]", "{{! prompt: Focus on the risks. }}\n# Risks: {{title}}\n");
  await page.click("[data-test=save-template]");
  await page.locator("[data-test=template-row]", { hasText: "risks" }).waitFor();
  await shot("10-templates");

  step = "a hotword set is created and edited";
  await page.click("[data-test=nav-hotwords]");
  await page.click("[data-test=new-hotwords]");
  await page.fill("[data-test=hotwords-name]", "product");
  await page.fill("[data-test=hotwords-words]", "Minutes\nPocketSphinx");
  await page.click("[data-test=save-hotwords]");
  await page.locator("[data-test=hotword-row] a", { hasText: "product" }).click();
  assert.match(await page.inputValue("[data-test=hotwords-words]"), /PocketSphinx/);
  await shot("11-hotwords");

  step = "an admin adds a user";
  await page.click("[data-test=nav-users]");
  await page.fill("[data-test=new-username]", "bob");
  await page.fill("[data-test=new-password]", "a-long-password");
  await page.click("[data-test=add-user]");
  await page.locator("[data-test=user-row]", { hasText: "bob" }).waitFor();
  await shot("12-users");

  step = "an admin sees usage and cost";
  await page.click("[data-test=nav-usage]");
  await page.locator("[data-test=usage-row]", { hasText: "alice" }).waitFor();
  await shot("13-usage");
  await page.goto(meetingUrl);
  await page.locator("[data-test=line]").first().waitFor();

  step = "the language switches to Chinese and is remembered";
  await page.selectOption("[data-test=language]", "zh");
  await page.getByText("退出登录").waitFor();
  await page.getByRole("heading", { name: "转写稿" }).waitFor();
  await page.reload();
  await page.getByText("退出登录").waitFor();
  await shot("08-meeting-zh");
  await page.goto(url + "/#/");
  await page.getByRole("heading", { name: "上传录音" }).waitFor();
  await page.locator("[data-test=meeting-row] [data-test=state]", { hasText: "已完成" }).waitFor();
  await shot("09-meetings-zh");

  step = "a big recording goes through the resumable upload API";
  await page.evaluate(() => localStorage.setItem("minutes.directUploadFrom", "1"));
  await page.reload();
  await page.setInputFiles("[data-test=file]", recording2);
  await page.locator("[data-test=upload-job] progress[value='1']").waitFor({ state: "attached" });
  await page.locator("[data-test=meeting-row]").nth(1).waitFor();
  const states = page.locator("[data-test=meeting-row] [data-test=state]", { hasText: "已完成" });
  const pending = page.locator("[data-test=meeting-row] [data-test=state]").filter({ hasNotText: "已完成" });
  for (let i = 0; (await pending.count()) > 0; i++) {
    assert.ok(i < 480, "the second meeting finished within four minutes");
    await page.waitForTimeout(500);
  }
  assert.equal(await states.count(), 2);
  const uploads = await page.evaluate(async () => {
    const r = await fetch("/api/v1/uploads", {
      headers: { Authorization: "Bearer " + localStorage.getItem("minutes.token") } });
    return (await r.json()).items;
  });
  assert.ok(uploads.some((u) => u.state === "completed" && u.task_id), JSON.stringify(uploads));

  step = "a file that is not a recording is refused in words";
  await page.evaluate(() => localStorage.removeItem("minutes.directUploadFrom"));
  await page.reload();
  await page.setInputFiles("[data-test=file]", {
    name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("agenda: ship it\n") });
  await page.locator("[data-test=upload-job]", { hasText: "not an audio or video file" }).waitFor();

  step = "a recording that cannot be processed shows why";
  const cut = readFileSync(recording).subarray(0, 64 * 1024);  // the header promises far more
  await page.setInputFiles("[data-test=file]", { name: "cut-short.wav", mimeType: "audio/wav", buffer: cut });
  await page.locator("[data-test=meeting-row]", { hasText: "cut-short.wav" })
    .locator("[data-test=state]", { hasText: "失败" }).waitFor({ timeout: 120000 });
  await page.locator("[data-test=meeting-row] a", { hasText: "cut-short.wav" }).click();
  await page.locator("[data-test=failure]", { hasText: "cut-short.wav: file is truncated" }).waitFor();
  assert.ok(!(await page.locator("[data-test=failure]").innerText()).includes("/tmp/"),
            "no server paths in what people read");
  await shot("14-failed-zh");

  step = "logging out returns to the login page";
  await page.click("[data-test=logout]");
  await page.waitForSelector("form.login");
  assert.deepEqual(problems, [], "no script errors on any page");
  await answers();
  console.log("web app: every step passed; screenshots in " + shots);
} catch (e) {
  console.error(`web app: FAILED at "${step}": ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
