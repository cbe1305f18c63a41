// Browser tests of accounts (issue 15): the account pages with axe and screenshots, the
// __Host- cookie kept on http://127.0.0.1, and journey 1, "The exit leaves nothing to go back
// to", with and without JavaScript.
//
//   CLOSER_BIN=../target/debug/closer node --test --test-concurrency=1 accounts.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { startStub, startCloser, stopCloser, dbDir as sweptDir, canary, launch, axe, shoot, rawGet, sleep } from "./lib.mjs";

const CANARY = `${canary("Kestrel", "unsent")} unsent words`;
const PASS = `plain words ${canary("Quail", "signup")} for a passphrase`;
let stub, stubBase, closer, dbDir, db;
const violations = [];

function sessionRows() {
  return Number(execFileSync("sqlite3", [db, "SELECT COUNT(*) FROM sessions"]).toString().trim());
}

before(async () => {
  ({ stub, base: stubBase } = await startStub());
  dbDir = sweptDir("accounts");
  db = path.join(dbDir, "web.db");
  closer = await startCloser(["--db", db, "--exit-url", `${stubBase}/weather`]);
});

after(async () => {
  // The database folder stays for the canary sweep (sweep.test.mjs), which removes it.
  await stopCloser(closer, dbDir);
  if (stub) { stub.close(); }
  assert.deepEqual(violations, [], "axe found no violations");
});

/** Signs up through the page; returns the username shown. */
async function signUp(page, base) {
  await page.goto(base + "/signup");
  await page.fill("#passphrase", PASS);
  await page.locator("form[action='/signup'] button[type=submit]").click();
  await page.locator("#username").waitFor();
  return (await page.locator("#username").innerText()).trim();
}

test("the account pages: axe and screenshots; the database appears only at sign-up", async () => {
  const { ctx, page, profile } = await launch();
  try {
    for (const p of ["/signup", "/login", "/recover", "/privacy"]) {
      await page.goto(closer.base + p);
      await axe(page, p, violations);
      await shoot(page, `acct${p.replace("/", "-")}`);
    }
    assert.equal(fs.existsSync(db), false, "anonymous pages never create the database");
    const name = await signUp(page, closer.base);
    assert.match(name, /^[a-z]+-[a-z]+-\d{4}$/);
    assert.equal(fs.existsSync(db), true);
    await axe(page, "signed-up", violations);
    await shoot(page, "acct-signed-up");
    await page.goto(closer.base + "/me");
    await axe(page, "/me", violations);
    await shoot(page, "acct-me");
    await page.fill("#codes-pp", PASS);
    await page.locator("form[action='/me/codes'] button[type=submit]").click();
    await page.locator("#codes").waitFor();
    assert.equal(await page.locator("#codes li").count(), 8);
    await axe(page, "codes", violations);
    await shoot(page, "acct-codes");
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});

test("Chromium keeps the __Host- Secure cookie on http://127.0.0.1", async () => {
  const { ctx, page, profile } = await launch();
  try {
    await signUp(page, closer.base);
    const cookies = await ctx.cookies();
    const s = cookies.find((c) => c.name === "__Host-s");
    assert.ok(s, `the session cookie is kept: ${JSON.stringify(cookies.map((c) => c.name))}`);
    assert.equal(s.secure, true);
    assert.equal(s.httpOnly, true);
    assert.equal(s.sameSite, "Strict");
    assert.equal(s.expires, -1, "a session cookie: no Expires or Max-Age");
    await page.goto(closer.base + "/me");
    assert.equal(new URL(page.url()).pathname, "/me", "signed in on the next page");
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});

async function exitJourney(javaScriptEnabled) {
  const { ctx, page, profile } = await launch({ javaScriptEnabled });
  try {
    await signUp(page, closer.base);
    await page.goto(closer.base + "/me");
    // The passphrase form sits on the screen before the change.
    await page.locator("form.check-passphrase button[type=submit]").click();
    await page.waitForSelector("#new_passphrase");
    const csrf = await page.locator("form[data-exit-form] input[name=csrf]").first().getAttribute("value");
    const cookie = (await ctx.cookies()).find((c) => c.name === "__Host-s");
    assert.ok(cookie && csrf);
    const rowsBefore = sessionRows();
    // A canary typed and never sent.
    await page.fill("#new_passphrase", CANARY);
    if (javaScriptEnabled) {
      await page.locator("#new_passphrase").focus();
      for (let i = 0; i < 3; i++) { await page.keyboard.press("Shift"); }
      // The page blanks at once.
      const blank = await page.evaluate(() => document.body ? document.body.innerHTML : "").catch(() => "");
      assert.ok(!blank.includes("Kestrelcanary"), "the page is blank at once");
    } else {
      // Without the script, the footer's exit (a posted form styled as a link) ends the
      // session as the button at the top does.
      await page.locator("footer form[data-exit-form] button.exit-link").click();
    }
    await page.waitForURL(`${stubBase}/weather`);
    await sleep(300);
    // Back as far as history allows: no signed-in content, no canary.
    for (let i = 0; i < 10; i++) {
      const r = await page.goBack({ waitUntil: "load" }).catch(() => null);
      if (!r) { break; }
      const html = await page.content();
      assert.ok(!html.includes("Kestrelcanary"), `back ${i}: the canary`);
      assert.ok(!html.includes(csrf), `back ${i}: signed-in content (${page.url()})`);
      assert.ok(!html.includes("data-exit-form"), `back ${i}: a signed-in page (${page.url()})`);
    }
    // The old cookie opens nothing; the session row is gone.
    const r = await rawGet(closer.base, "/me", `__Host-s=${cookie.value}`);
    assert.equal(r.status, 303);
    assert.equal(r.location, "/login");
    assert.equal(sessionRows(), rowsBefore - 1, "the session row is gone");
    const left = (await ctx.cookies()).find((c) => c.name === "__Host-s");
    assert.ok(!left, "the browser holds no session cookie");
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

test("journey 1: the exit leaves nothing to go back to (with JavaScript)", async () => {
  await exitJourney(true);
});

test("journey 1: the exit leaves nothing to go back to (without JavaScript)", async () => {
  await exitJourney(false);
});
