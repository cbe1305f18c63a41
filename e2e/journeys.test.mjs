// Browser tests of `closer serve` in Debian's Chromium, driven by playwright-core.
// Journeys of issue 13, axe-core on every page, screenshots at phone and desktop width, and
// the profile test (History holds only neutral paths and the neutral title; autofill nothing).
//
//   CLOSER_BIN=../target/debug/closer node --test --test-concurrency=1 journeys.test.mjs
//
// Screenshots go to e2e/out/ (not committed); look at them after a change to a page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { spawn, execFileSync } from "node:child_process";
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const BIN = process.env.CLOSER_BIN || path.resolve(here, "../target/debug/closer");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const OUT = path.resolve(here, "out");
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run"];
// Paths closer serves (crates/web/src/routes.rs) and words no path may hold.
const NEUTRAL = new Set(["/", "/read", "/words", "/numbers", "/questions", "/walk", "/model",
  "/people", "/device"]);
const FORBIDDEN = ["afraid", "safe", "abuse", "violen", "screen", "crisis", "help", "therap",
  "guide", "danger", "fear", "suicid", "harm", "partner", "control", "exit"];
const TYPED = "Zebrafinch, send me your location right now or else";
const SELF_HARM = "I can't go on anymore, I want to end my life";

let stub, stubBase, server, base, profile, ctx, page;
const violations = [];
const cspErrors = [];
let shots = 0;

function startStub() {
  return new Promise((resolve) => {
    stub = http.createServer((req, res) => {
      const title = req.url.startsWith("/weather") ? "Weather" : "Before";
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><html lang="en"><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`);
    });
    stub.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${stub.address().port}`));
  });
}

function startCloser(exitUrl) {
  return new Promise((resolve, reject) => {
    server = spawn(BIN, ["serve", "--addr", "127.0.0.1:0", "--exit-url", exitUrl, "--quiet"],
      { stdio: ["ignore", "pipe", "inherit"] });
    let buf = "";
    server.stdout.on("data", (d) => {
      buf += d;
      const m = buf.match(/^listening on (http:\/\/[^\s]+)\/\n/);
      if (m) { resolve(m[1]); }
    });
    server.on("exit", (code) => reject(new Error(`closer serve exited with ${code}`)));
  });
}

before(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  stubBase = await startStub();
  base = await startCloser(`${stubBase}/weather`);
  profile = fs.mkdtempSync(path.join(os.tmpdir(), "closer-profile-"));
  ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: false, args: ARGS, viewport: { width: 390, height: 844 },
  });
  page = ctx.pages()[0] || await ctx.newPage();
  page.on("console", (m) => { if (/Content Security Policy|Refused to/.test(m.text())) { cspErrors.push(m.text()); } });
});

after(async () => {
  if (ctx) { await ctx.close().catch(() => {}); }
  if (server) { server.kill(); }
  if (stub) { stub.close(); }
  if (profile) { fs.rmSync(profile, { recursive: true, force: true }); }
});

/** axe on the current page (injected through the DevTools protocol, so the page's CSP stays on). */
async function check(name) {
  await page.evaluate(AXE);
  const r = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
  }));
  for (const v of r.violations) {
    violations.push(`${name}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  }
  assert.equal(await page.title(), "Notes", `${name}: the neutral title`);
  assert.equal(await page.locator("#quick-exit").count(), 1, `${name}: the quick exit`);
}

/** Screenshots at phone and desktop width. */
async function shoot(name) {
  shots += 1;
  const n = String(shots).padStart(2, "0");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(OUT, `${n}-${name}-phone.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: path.join(OUT, `${n}-${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
}

async function visit(name, shot = true) {
  await check(name);
  if (shot) { await shoot(name); }
}

/** Clicks a submit button of a posted form and waits for the page the script puts in place. */
async function submit(locator) {
  const before = await page.evaluate(() => document.body.innerHTML.length + ":" +
    (document.querySelector("input[name=t]") || {}).value);
  await locator.first().click();
  // Polled from here: the page's CSP forbids the evaluation of strings waitForFunction uses.
  for (let i = 0; i < 200; i++) {
    const now = await page.evaluate(() => document.body.innerHTML.length + ":" +
      (document.querySelector("input[name=t]") || {}).value).catch(() => before);
    if (now !== before) { return; }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the page did not change after a submit");
}

/** Walks a flow to the end: `check` at checks, Next where there is one, otherwise Skip. */
async function walkFlow(name, check, shotAll) {
  let steps = 0;
  for (; steps < 60; steps++) {
    await visit(`${name}-${steps}`, shotAll);
    const has = async (v) => (await page.locator(`button[name=go][value="${v}"]`).count()) > 0;
    if (await has("not_sure")) {
      await submit(page.locator(`button[name=go][value="${check}"]`));
      if (check !== "no") { return steps; }
    } else if (await has("next")) {
      await submit(page.locator("button[name=go][value=next]"));
    } else if (await has("minutes")) {
      await submit(page.locator("button[name=go][value=minutes]"));
    } else if (await has("skip")) {
      await submit(page.locator("button[name=go][value=skip]"));
    } else { break; }
  }
  return steps;
}

test("every page without a walk: axe, the neutral title, the quick exit, screenshots", async () => {
  for (const p of ["/", "/read", "/words", "/numbers", "/questions", "/model", "/people", "/device", "/walk", "/no-such-page"]) {
    await page.goto(base + p);
    await visit(p === "/" ? "home" : p.slice(1));
  }
});

test("the reaching partner's flow to the end", async () => {
  await page.goto(base + "/");
  await submit(page.locator("button[name=flow][value='1']"));
  await walkFlow("reach", "no", true);
  assert.ok(await page.locator("h2", { hasText: "The end of this guide" }).count() > 0);
});

test("the withdrawing partner's flow to the end", async () => {
  await page.goto(base + "/");
  await submit(page.locator("button[name=flow][value='2']"));
  await walkFlow("withdraw", "no", false);
  assert.ok(await page.locator("h2", { hasText: "The end of this guide" }).count() > 0);
});

test("not sure at the fear check switches to safety help", async () => {
  await page.goto(base + "/");
  await submit(page.locator("button[name=flow][value='2']"));
  await walkFlow("unsure", "not_sure", false);
  await visit("unsure-safety");
  assert.equal(await page.locator("article[data-path=safety]").count(), 1);
  assert.equal(await page.locator("button[value=afraid]").count(), 0);
});

test("the screen with a high-danger answer, then helplines for the region", async () => {
  await page.goto(base + "/questions");
  await submit(page.locator("button[value=start]"));
  for (let n = 1; n < 40; n++) {
    if (await page.locator("button[name=answer][value=yes]").count() === 0) { break; }
    if (n === 1) { await visit("question"); } else { await check(`question-${n}`); }
    const text = await page.locator("h1").innerText();
    const yes = /neck|throat|chok|strangl/i.test(text);
    await submit(page.locator(`button[name=answer][value=${yes ? "yes" : "no"}]`));
  }
  await visit("screen-result");
  assert.match(await page.locator("main").innerText(), /danger/i);
  await page.selectOption("#region", "UK");
  await submit(page.locator("form.region button[type=submit]"));
  await visit("screen-result-uk");
  assert.ok(await page.locator("a[href^='tel:']").count() > 0, "numbers dial in one tap");
});

test("soften: no message is ever reworded, only shown back as typed; crisis help comes first", async () => {
  await page.goto(base + "/words");
  await page.fill("textarea[name=text]", TYPED);
  await submit(page.locator("form.words button[type=submit]"));
  await visit("words-control");
  // The person's words come back exactly as typed, in their own block; nothing else quotes
  // or rewords them.
  assert.equal(await page.locator("#answer blockquote:not(.yours)").count(), 0);
  assert.equal(await page.locator("#answer blockquote.yours pre").textContent(), TYPED);
  await page.fill("textarea[name=text]", SELF_HARM);
  await submit(page.locator("form.words button[type=submit]"));
  await visit("words-crisis");
  const first = page.locator("#answer section").first();
  assert.match(await first.getAttribute("class"), /crisis/);
  await page.fill("textarea[name=text]", "You never listen to me when I talk about my day.");
  await submit(page.locator("form.words button[type=submit]"));
  await visit("words-gentler");
  const harsh = "You never listen to me when I talk about my day.";
  assert.equal(await page.locator("#answer blockquote:not(.yours)").count(), 0);
  assert.equal(await page.locator("#answer blockquote.yours pre").textContent(), harsh);
  assert.match(await page.locator("#answer section").first().getAttribute("class"), /crisis/);
});

test("helplines for a region chosen in a posted form", async () => {
  await page.goto(base + "/numbers");
  await page.selectOption("#region", "US");
  await submit(page.locator("form.region button[type=submit]"));
  await visit("numbers-us");
  assert.ok(await page.locator("a[href^='tel:']").count() > 0);
  assert.equal(new URL(page.url()).search, "");
});

test("the what-if page: chart and narration", async () => {
  await page.goto(base + "/model");
  await page.selectOption("#way1", "pause");
  await page.selectOption("#who1", "A");
  await page.fill("#day1", "30");
  await submit(page.locator("form.model button[type=submit]"));
  await visit("model-result");
  assert.equal(await page.locator("#answer svg").count(), 1);
  assert.ok((await page.locator("#answer section").count()) > 1);
});

test("quick exit from a deep page: the closer entry is gone from the history", async () => {
  await page.close();
  page = await ctx.newPage();
  page.on("console", (m) => { if (/Content Security Policy|Refused to/.test(m.text())) { cspErrors.push(m.text()); } });
  await page.goto(stubBase + "/before");
  await page.goto(base + "/");
  const entries = await page.evaluate(() => history.length);
  await page.click("a[href='/read']");
  await page.waitForURL(base + "/read");
  await page.click("a.home");
  await page.waitForURL(base + "/");
  await submit(page.locator("button[name=flow][value='1']"));
  await submit(page.locator("button[name=go][value=next]"));
  assert.equal(await page.evaluate(() => history.length), entries, "one closer entry after four pages");
  await page.click("#quick-exit a");
  await page.waitForURL(stubBase + "/weather");
  assert.equal(await page.evaluate(() => history.length), entries, "the exit replaced it");
  await page.goBack();
  await page.waitForURL(stubBase + "/before");
});

test("Shift pressed three times leaves", async () => {
  await page.goto(base + "/read");
  await page.keyboard.press("Shift");
  await page.keyboard.press("Shift");
  await page.keyboard.press("Shift");
  await page.waitForURL(stubBase + "/weather");
});

test("no accessibility violations and no blocked script or style on any page", () => {
  assert.deepEqual(violations, []);
  assert.deepEqual(cspErrors, []);
});

test("the profile keeps only neutral paths and the neutral title, and no autofill", async () => {
  await ctx.close();
  ctx = null;
  const db = (name) => {
    const copy = path.join(os.tmpdir(), `closer-${process.pid}-${name.replace(/\W/g, "")}`);
    fs.copyFileSync(path.join(profile, "Default", name), copy);
    return copy;
  };
  const history = db("History");
  const rows = execFileSync("sqlite3", ["-separator", "\t", history, "select url, title from urls"], { encoding: "utf8" })
    .trim().split("\n").filter(Boolean).map((l) => l.split("\t"));
  assert.ok(rows.length > 0);
  for (const [url, title] of rows) {
    const u = new URL(url);
    if (u.origin === base) {
      assert.ok(NEUTRAL.has(u.pathname) || u.pathname === "/no-such-page", `a path: ${url}`);
      assert.equal(u.search, "", `a query: ${url}`);
      // The neutral title, or the everyday site's that replaced the entry on exit.
      assert.ok(["Notes", "", "Weather"].includes(title), `a title: ${title}`);
    }
    for (const w of FORBIDDEN) { assert.ok(!url.toLowerCase().includes(w), `${w} in ${url}`); }
  }
  const webData = db("Web Data");
  const autofill = execFileSync("sqlite3", [webData, "select count(*) from autofill"], { encoding: "utf8" }).trim();
  assert.equal(autofill, "0", "autofill holds something typed");
  // Nothing typed is anywhere in the profile's files.
  const hits = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) { walk(p); } else if (e.isFile()) {
        const b = fs.readFileSync(p);
        if (b.includes("Zebrafinch") || b.includes(Buffer.from("Zebrafinch", "utf16le"))) { hits.push(p); }
      }
    }
  };
  walk(profile);
  assert.deepEqual(hits, [], "typed text kept in the profile");
});
