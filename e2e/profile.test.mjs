// Journey 2 of issue 15 in Chromium, "the profile after a full journey": a persistent profile (a
// fresh --user-data-dir) and the quick exit pointed at a local stub. The anonymous screen with a
// high-danger answer, soften, the helplines, the model, sign-up, an entry with a note, a check-in
// and a private record, a therapist link, an export (a download), the quick exit; a canary typed
// in every free-text field. Then the browser is closed and the profile read: History holds only
// the route table's paths and the neutral title, no search terms and no canary; autofill and the
// password store hold nothing typed; the download had the neutral name; no file of the profile
// (caches included) holds a canary, in UTF-8 or UTF-16LE. A backup of the database is taken in
// the middle of the journey for the canary sweep (sweep.test.mjs).
//
//   CLOSER_BIN=../target/debug/closer node --test --test-concurrency=1 profile.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  here, startStub, startCloser, stopCloser, launch, axe, shoot, canary, dbDir, backup, holds, filesUnder,
  exportDownload,
} from "./lib.mjs";

// The paths of the route table and the words no path may hold, read from routes.rs itself.
const ROUTES_RS = fs.readFileSync(path.resolve(here, "../crates/web/src/routes.rs"), "utf8");
const PATHS = new Set([...ROUTES_RS.matchAll(/r\(\s*Id::\w+,\s*(?:Get|Post),\s*"([^"]+)"/g)].map((m) => m[1]));
const FORBIDDEN = [...ROUTES_RS.split("pub const FORBIDDEN_WORDS")[1].split("];")[0].matchAll(/"([^"]+)"/g)]
  .map((m) => m[1]);

// One canary per free-text field, unique to this run.
const C = {
  soften: canary("Linnet", "soften"),
  signup: canary("Siskin", "signup"),
  note: canary("Dunnock", "note"),
  checkin: canary("Twite", "checkin"),
  incident: canary("Merlin", "incident"),
  link: canary("Ouzel", "link"),
};
const PASS = `${C.signup} is my passphrase`;

let stub, stubBase, closer, folder, db;
const violations = [];
const found = {};

before(async () => {
  assert.ok(PATHS.size > 40 && PATHS.has("/journal") && PATHS.has("/journal/new"), `routes.rs read: ${[...PATHS]}`);
  assert.ok(FORBIDDEN.includes("safe") && FORBIDDEN.includes("partner"), `forbidden words read: ${FORBIDDEN}`);
  ({ stub, base: stubBase } = await startStub());
  folder = dbDir("profile");
  db = path.join(folder, "web.db");
  closer = await startCloser(["--db", db, "--exit-url", `${stubBase}/weather`]);
});

after(async () => {
  await stopCloser(closer, folder);
  if (stub) { stub.close(); }
  assert.deepEqual(violations, [], "axe found no violations");
});

/** Submits a posted form and waits for the answer, whether the script shows it in place (the
 * window survives, its body is replaced) or the browser navigates (a new window object). */
async function submit(page, button) {
  await page.evaluate(() => { window.__before = document.body; });
  await button.first().click();
  for (let i = 0; i < 200; i++) {
    const changed = await page.evaluate(() => !window.__before || window.__before !== document.body)
      .catch(() => false);
    if (changed) { await page.waitForLoadState("load"); return; }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the page did not change after a submit (${page.url()})`);
}

/** Reads a copy of one of the profile's SQLite files (the copy, so nothing locks the profile). */
function sql(profile, name, query) {
  const copy = path.join(os.tmpdir(), `closer-${process.pid}-${name.replace(/\W/g, "")}`);
  fs.copyFileSync(path.join(profile, "Default", name), copy);
  try {
    return execFileSync("sqlite3", ["-separator", "\t", copy, query], { encoding: "utf8" })
      .trim().split("\n").filter(Boolean).map((l) => l.split("\t"));
  } finally {
    fs.rmSync(copy, { force: true });
  }
}

test("journey 2: the profile after a full journey holds no path, title, search, autofill or canary", async () => {
  const { ctx, page, profile } = await launch();
  let closed = false;
  try {
    // The anonymous screen with a high-danger answer.
    await page.goto(closer.base + "/questions");
    await submit(page, page.locator("button[value=start]"));
    for (let n = 1; n < 40; n++) {
      if (await page.locator("button[name=answer][value=yes]").count() === 0) { break; }
      const text = await page.locator("h1").innerText();
      const yes = /neck|throat|chok|strangl/i.test(text);
      await submit(page, page.locator(`button[name=answer][value=${yes ? "yes" : "no"}]`));
    }
    assert.match(await page.locator("main").innerText(), /danger/i, "the high-danger result");
    await axe(page, "screen result", violations);
    // Helplines for a region, from the result.
    await page.selectOption("#region", "UK");
    await submit(page, page.locator("form.region button[type=submit]"));
    assert.ok(await page.locator("a[href^='tel:']").count() > 0, "helplines that dial");
    // Soften, with a canary in the words.
    await page.goto(closer.base + "/words");
    await page.fill("textarea[name=text]", `You never call me back, ${C.soften}, and I hate it`);
    await submit(page, page.locator("form.words button[type=submit]"));
    assert.ok((await page.locator("#answer blockquote.yours pre").textContent()).includes(C.soften));
    await axe(page, "soften", violations);
    // The helplines page itself, and the model.
    await page.goto(closer.base + "/numbers");
    await page.selectOption("#region", "US");
    await submit(page, page.locator("form.region button[type=submit]"));
    await page.goto(closer.base + "/model");
    await page.selectOption("#way1", "pause");
    await page.selectOption("#who1", "A");
    await page.fill("#day1", "30");
    await submit(page, page.locator("form.model button[type=submit]"));
    assert.equal(await page.locator("#answer svg").count(), 1, "the model's chart");

    // Sign-up, with a canary in the passphrase.
    await page.goto(closer.base + "/signup");
    await page.fill("#passphrase", PASS);
    await submit(page, page.locator("form[action='/signup'] button[type=submit]"));
    assert.match((await page.locator("#username").innerText()).trim(), /^[a-z]+-[a-z]+-\d{4}$/);

    // An entry with a note.
    await page.goto(closer.base + "/journal/new");
    await page.selectOption("#move", "reach");
    await page.locator("input[name=feeling][value=lonely]").check();
    await page.fill("#note", `${C.note} after dinner`);
    await submit(page, page.locator("form[action='/journal/new'] button[type=submit]"));
    await page.locator("#kept").waitFor();
    await page.goto(closer.base + "/journal");
    assert.ok((await page.locator("article.entry").allInnerTexts()).some((t) => t.includes(C.note)), "the note on /journal");

    // The daily check-in with a note, and a private record.
    await page.goto(closer.base + "/day");
    await axe(page, "/day", violations);
    await shoot(page, "profile-day");
    await page.fill("#closeness", "4");
    await page.fill("#distress", "6");
    await page.fill("#safety", "7");
    await page.fill("#day-note", `${C.checkin} a long day`);
    await submit(page, page.locator("form[action='/day'] button[type=submit]"));
    await page.locator("#kept").waitFor();
    await axe(page, "/day kept", violations);
    await shoot(page, "profile-day-kept");
    await page.goto(closer.base + "/note");
    await axe(page, "/note", violations);
    await shoot(page, "profile-note");
    await page.fill("#record", `${C.incident} what was said at the door`);
    await submit(page, page.locator("form[action='/note'] button[type=submit]"));
    await page.locator("#kept").waitFor();
    await axe(page, "/note kept", violations);
    await shoot(page, "profile-note-kept");

    // A backup of the database in the middle of the journey (read by the sweep).
    const copy = backup(db, "profile");
    const rows = execFileSync("sqlite3", [copy, "SELECT (SELECT COUNT(*) FROM entries), (SELECT COUNT(*) FROM checkins), (SELECT COUNT(*) FROM incidents)"], { encoding: "utf8" }).trim();
    assert.equal(rows, "1|1|1", "the backup holds the entry, the check-in and the record");

    // A therapist link, named with a canary.
    await page.goto(closer.base + "/links");
    await page.fill("#link-name", `${C.link} Dr`);
    await page.fill("#link-days", "7");
    await page.fill("#link-pass", PASS);
    await submit(page, page.locator("form[action='/links/new'] button[type=submit]"));
    await page.locator("#link-address").waitFor();
    assert.ok(new URL((await page.locator("#link-address").innerText()).trim()).searchParams.get("k"), "a link address");

    // The export: a download under the neutral name.
    const { download, problem } = await exportDownload(page, closer.base, PASS);
    found.exportProblem = problem;
    const today = new Date().toISOString().slice(0, 10);
    found.download = download.suggestedFilename();
    assert.equal(found.download, `notes-${today}.json`, "the neutral file name");
    const file = await download.path();
    const exported = fs.readFileSync(file, "utf8");
    assert.ok(exported.includes(C.note), "the export holds my note");
    JSON.parse(exported);
    await download.delete();
    // The page is still the journal (the download did not replace it).
    assert.equal(new URL(page.url()).pathname, "/journal");
    assert.equal(await page.locator("#export-pp").count(), 1, "the journal page is still shown");
    await shoot(page, "profile-after-export");

    // The quick exit.
    await page.locator("#quick-exit button").first().click();
    await page.waitForURL(`${stubBase}/weather`);

    await ctx.close();
    closed = true;

    // History: only the route table's paths, no query, the neutral title, no search terms.
    const urls = sql(profile, "History", "SELECT url, title FROM urls");
    found.history = urls;
    assert.ok(urls.some(([u]) => u.startsWith(closer.base)), `closer pages in History: ${JSON.stringify(urls)}`);
    for (const [url, title] of urls) {
      const u = new URL(url);
      if (u.origin === closer.base) {
        assert.ok(PATHS.has(u.pathname), `a path not in the route table: ${url}`);
        assert.equal(u.search, "", `a query: ${url}`);
        assert.equal(u.hash, "", `a fragment: ${url}`);
        // The neutral title, or the everyday site's: the quick exit replaces the last entry, and
        // Chromium files the new page's title under the page it replaced.
        assert.ok(["Notes", "", "Weather"].includes(title), `a title: ${JSON.stringify(title)} for ${url}`);
      } else {
        assert.equal(u.origin, stubBase, `only closer and the everyday site: ${url}`);
      }
      for (const w of FORBIDDEN) { assert.ok(!url.toLowerCase().includes(w), `${w} in ${url}`); }
    }
    const terms = sql(profile, "History", "SELECT term FROM keyword_search_terms");
    assert.deepEqual(terms, [], "no search terms");
    const downloads = sql(profile, "History", "SELECT target_path, tab_url, tab_referrer_url FROM downloads");
    found.downloads = downloads;
    for (const [target, tabUrl, referrer] of downloads) {
      if (target) { assert.match(path.basename(target), /^notes-\d{4}-\d{2}-\d{2}\.json$|^[0-9a-f-]{36}$/, `a download's name: ${target}`); }
      for (const u of [tabUrl, referrer].filter(Boolean)) {
        assert.ok(PATHS.has(new URL(u).pathname), `a download's page: ${u}`);
      }
    }
    // Autofill and the password store: nothing typed.
    assert.deepEqual(sql(profile, "Web Data", "SELECT name, value FROM autofill"), [], "autofill holds something typed");
    assert.deepEqual(sql(profile, "Login Data", "SELECT origin_url, username_value FROM logins"), [], "a saved passphrase");
    // No file of the profile holds a canary (caches, session files, databases, logs).
    const hits = [];
    const files = filesUnder(profile);
    assert.ok(files.length > 20, `the profile has files: ${files.length}`);
    for (const f of files) {
      const bytes = fs.readFileSync(f);
      for (const [kind, c] of Object.entries(C)) {
        if (holds(bytes, c)) { hits.push(`${kind} in ${path.relative(profile, f)}`); }
      }
      if (holds(bytes, PASS)) { hits.push(`the passphrase in ${path.relative(profile, f)}`); }
    }
    assert.deepEqual(hits, [], "canaries kept in the profile");
    assert.equal(problem, null, "the export with JavaScript on");
  } catch (e) {
    console.error("what was found:", JSON.stringify(found, null, 1).slice(0, 4000));
    throw e;
  } finally {
    if (!closed) { await ctx.close().catch(() => {}); }
    fs.rmSync(profile, { recursive: true, force: true });
  }
});
