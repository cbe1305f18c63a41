// Browser test of "print my record", import, the charts on my patterns page and the therapist
// view's measures (issue 15, webrecord): sign up, bring a prepared journal in through the import
// page (a file input, as a person would), see the charts, print the record, make a link with a
// questionnaire result and open it in another browser; axe on every page; screenshots at 390
// and 1280 px.
//
//   CLOSER_BIN=../target/debug/closer node --test --test-concurrency=1 record.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startStub, startCloser, launch, axe, shoot } from "./lib.mjs";

const PASS = "plain words for a record passphrase";
const NOTE = "Larkcanary printed words 8810";
let stub, stubBase, closer, dbDir;
const violations = [];

before(async () => {
  ({ stub, base: stubBase } = await startStub());
  dbDir = fs.mkdtempSync(path.join(os.tmpdir(), "closer-db-"));
  closer = await startCloser(["--db", path.join(dbDir, "web.db"), "--exit-url", `${stubBase}/weather`]);
});

after(async () => {
  if (closer) { closer.server.kill(); }
  if (stub) { stub.close(); }
  if (dbDir) { fs.rmSync(dbDir, { recursive: true, force: true }); }
  assert.deepEqual(violations, [], "axe found no violations");
});

async function fits(page, name) {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
  }));
  assert.ok(scroll <= client, `${name}: ${scroll} px wide in a ${client} px window`);
}

/** A `closer export` of twelve met reaches a day apart, three check-ins and one kept result. */
function prepared() {
  const t0 = 1772000000;
  const entries = [];
  for (let i = 0; i < 12; i++) {
    const t = t0 + i * 86400;
    const base = { offset_minutes: 0, kind: null, feelings: ["tired"], needs: [], intensity: 4, way: null, cycle: [], edited_at: [] };
    entries.push({ id: `e2e-${i}-a`, at: t, recorded_at: t, by: "me", move: "reach", note: i === 0 ? NOTE : null, moment: `m${i}`, ...base });
    entries.push({ id: `e2e-${i}-b`, at: t + 1800, recorded_at: t + 1800, by: "partner", move: "turn_toward", note: null, moment: `m${i}`, ...base });
  }
  const checkins = [3, 5, 6].map((v, i) => ({
    id: `e2e-c${i}`, at: t0 + i * 3 * 86400, offset_minutes: 0, recorded_at: t0 + i * 3 * 86400,
    closeness: v, distress: 10 - v, safety: 7, note: null,
  }));
  const assessments = [{ id: "e2e-m1", at: t0, recorded_at: t0, instrument: "ecr-rs", answers: [6, 2, 5],
    scores: { anxiety: 4.75, avoidance: 2.25, scale: "1-7", administered: 3, order: "as published" } }];
  return JSON.stringify({ format: "closer-journal", version: 1, exported_at: "2026-03-01T00:00:00Z",
    entries, history: [], checkins, incidents: [], assessments, screen_results: [] }, null, 2);
}

test("import, charts, print my record and a link's measures, at phone and desktop width", async () => {
  const { ctx, page, profile } = await launch();
  const file = path.join(profile, "notes-2026-03-01.json");
  fs.writeFileSync(file, prepared());
  try {
    await page.goto(closer.base + "/signup");
    await page.fill("#passphrase", PASS);
    await page.locator("form[action='/signup'] button[type=submit]").click();
    await page.locator("#username").waitFor();

    // The record page, reached from the journal by a plain link.
    await page.goto(closer.base + "/journal");
    await Promise.all([page.waitForNavigation(), page.locator("a[href='/record']").click()]);
    assert.equal(new URL(page.url()).pathname, "/record");
    await axe(page, "/record", violations);
    await fits(page, "/record");
    await shoot(page, "record");

    // Bring the prepared journal in with the file input.
    await page.setInputFiles("#import-file", file);
    await page.fill("#import-pp", PASS);
    await Promise.all([page.waitForNavigation(), page.locator("form[action='/record/import'] button[type=submit]").click()]);
    if (await page.locator("#imported").count() === 0) { console.log("IMPORT PAGE:", (await page.locator("main").innerText()).slice(0, 1500)); }
    assert.match(await page.locator("#imported").innerText(), /28$/);
    await axe(page, "/record/import", violations);
    await shoot(page, "record-imported");

    // My patterns, with both charts and their text alternatives.
    await page.goto(closer.base + "/journal/patterns");
    assert.equal(await page.locator("figure.chart svg[role=img]").count(), 2);
    await axe(page, "/journal/patterns (charts)", violations);
    await fits(page, "/journal/patterns (charts)");
    await shoot(page, "patterns-charts");

    // Print my record.
    await page.goto(closer.base + "/record");
    await page.fill("#print-pp", PASS);
    await Promise.all([page.waitForNavigation(), page.locator("button[name=as][value=page]").click()]);
    assert.ok((await page.locator("#record-text").innerText()).includes(NOTE));
    assert.match(await page.locator("#record-hash").innerText(), /^[0-9a-f]{64}$/);
    await axe(page, "/record/print", violations);
    await fits(page, "/record/print");
    await shoot(page, "record-print");
    await page.emulateMedia({ media: "print" });
    await page.screenshot({ path: path.join(path.dirname(new URL(import.meta.url).pathname), "out", "record-print-paper.png"), fullPage: true });
    assert.equal(await page.locator("#quick-exit").isVisible(), false, "on paper only the record");
    await page.emulateMedia({ media: "screen" });

    // A link with the kept result and two tagged entries, opened in another browser.
    await page.goto(closer.base + "/links");
    await page.fill("#link-name", "Dr Example");
    await page.fill("#link-pass", PASS);
    await Promise.all([page.waitForNavigation(), page.locator("form[action='/links/new'] button[type=submit]").click()]);
    const address = (await page.locator("#link-address").innerText()).trim();
    await Promise.all([page.waitForNavigation(), page.locator("form[action='/links/measure'] button[type=submit]").first().click()]);
    for (let i = 0; i < 2; i++) {
      await Promise.all([page.waitForNavigation(), page.locator("form[action='/links/tag'] input[name=action][value=on]").first().locator("xpath=..").locator("button").click()]);
    }
    const other = await launch();
    try {
      await other.page.goto(address);
      assert.equal(new URL(other.page.url()).pathname, "/v");
      assert.equal(await other.page.locator("#link-measures h3").count(), 1);
      await axe(other.page, "/v (measures)", violations);
      await fits(other.page, "/v (measures)");
      await shoot(other.page, "view-measures");
    } finally {
      await other.ctx.close();
      fs.rmSync(other.profile, { recursive: true, force: true });
    }
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});
