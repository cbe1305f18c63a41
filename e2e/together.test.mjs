// Browser test of two people and a therapist's view (issue 15, journeys 3 and 4 in Chromium):
// A invites and B accepts with the code from #invite-code; A shares one entry and B sees it; B's
// partner page stays identical while A writes private entries; A withdraws and B's page no
// longer shows it; A makes a therapist link and tags two entries; browser C opens it and its
// address carries no token after the first load; browser D with the same link is refused, with
// the page of an unknown link, and A sees the refusal. axe and screenshots on every page.
//
//   CLOSER_BIN=../target/debug/closer node --test --test-concurrency=1 together.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startStub, startCloser, launch, axe as axeOnly, shoot } from "./lib.mjs";

const PASS_A = "the first person's passphrase here";
const PASS_B = "the second person's passphrase here";
const PRIVATE = "Ploverprivate words never shared";
let stub, stubBase, closer, dbDir;
const violations = [];
const opened = [];

before(async () => {
  ({ stub, base: stubBase } = await startStub());
  dbDir = fs.mkdtempSync(path.join(os.tmpdir(), "closer-db-"));
  closer = await startCloser(["--db", path.join(dbDir, "web.db"), "--exit-url", `${stubBase}/weather`]);
});

after(async () => {
  for (const { ctx, profile } of opened) {
    await ctx.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
  if (closer) { closer.server.kill(); }
  if (stub) { stub.close(); }
  if (dbDir) { fs.rmSync(dbDir, { recursive: true, force: true }); }
  assert.deepEqual(violations, [], "axe found no violations");
});

/** Clicks a submit button and waits for the page its form answers with. */
async function submit(page, button) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), button.click()]);
}

/** axe, and the page fits a phone's width (nothing forces sideways scrolling). */
async function axe(page, name, into) {
  await axeOnly(page, name, into);
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
  }));
  assert.ok(scroll <= client, `${name}: ${scroll} px wide in a ${client} px window`);
}

/** A browser of its own (its own profile: its own cookies). */
async function browser() {
  const b = await launch();
  opened.push(b);
  return b.page;
}

async function signUp(page, pass) {
  await page.goto(closer.base + "/signup");
  await page.fill("#passphrase", pass);
  await page.locator("form[action='/signup'] button[type=submit]").click();
  await page.locator("#username").waitFor();
}

/** Logs a moment through /journal/new; `share` ticks the partner box. */
async function log(page, { move, feeling, note, share = false }) {
  await page.goto(closer.base + "/journal/new");
  await page.selectOption("#move", move);
  await page.locator(`input[name=feeling][value=${feeling}]`).check();
  if (note) { await page.fill("#note", note); }
  if (share) { await page.locator("#share_partner").check(); }
  await page.locator("form[action='/journal/new'] button[type=submit]").click();
  await page.locator("#kept").waitFor();
}

/** B's partner page as A could change it: status, every header but Date, the body less csrf. */
async function partnerPage(page) {
  const r = await page.goto(closer.base + "/together");
  const headers = Object.entries(await r.allHeaders())
    .filter(([k]) => k !== "date").map(([k, v]) => `${k}: ${v}`).sort();
  const csrf = await page.locator("input[name=csrf]").first().getAttribute("value");
  const body = (await r.text()).split(csrf).join("CSRF");
  return { text: `${r.status()}\n${headers.join("\n")}\n\n${body}`, main: await page.locator("main").innerText() };
}

test("two people, a shared entry, withdrawn; a therapist link in one browser", async () => {
  const a = await browser();
  const b = await browser();
  await signUp(a, PASS_A);
  await signUp(b, PASS_B);

  // The partner page is reached from the journal by a plain link whose text says "partner".
  await a.goto(closer.base + "/journal");
  const link = a.locator("a[href]", { hasText: /partner/i }).first();
  assert.equal(await link.count(), 1, "a plain link to the partner page");
  await submit(a, link);
  const partnerPath = new URL(a.url()).pathname;
  assert.equal(partnerPath, "/together");
  await axe(a, "A /together (alone)", violations);
  await shoot(a, "together-alone");

  // A invites; B accepts with the code A gives them.
  await a.fill("#invite-pass", PASS_A);
  await a.locator("form[action='/together/invite'] button[type=submit]").click();
  await a.locator("#invite-code").waitFor();
  const code = (await a.locator("#invite-code").innerText()).trim();
  assert.match(code, /^[a-z0-9-]{26,}$/i, code);
  await axe(a, "A invitation", violations);
  await shoot(a, "together-invite");
  await b.goto(closer.base + "/together");
  await b.fill("#code", code);
  await b.fill("#accept-pass", PASS_B);
  await submit(b, b.locator("form[action='/together/accept'] button[type=submit]"));
  await b.goto(closer.base + "/together");
  assert.match(await b.locator("main").innerText(), /You are linked/);
  await axe(b, "B /together (linked, nothing shared)", violations);
  await shoot(b, "together-linked");

  // A shares one entry (the box on the entry form) and keeps one private.
  await a.goto(closer.base + "/journal/new");
  assert.equal(await a.locator("#share_partner").count(), 1, "linked: the share box");
  await axe(a, "A /journal/new (linked)", violations);
  await shoot(a, "together-journal-new");
  await log(a, { move: "repair", feeling: "tender", note: "Ploverthe note stays mine", share: true });
  await log(a, { move: "reach", feeling: "lonely", note: PRIVATE });
  await a.goto(closer.base + "/together");
  await axe(a, "A /together (sharing)", violations);
  await shoot(a, "together-a-sharing");

  const seen = await partnerPage(b);
  assert.ok(seen.main.includes("tender"), `B sees the shared entry: ${seen.main}`);
  assert.ok(!seen.main.includes("lonely"), "B never sees a private entry");
  assert.ok(!seen.text.includes("Plover"), "B never sees a note");
  assert.ok(!/^etag:|^last-modified:/m.test(seen.text), "no ETag or Last-Modified");
  await axe(b, "B /together (shared)", violations);
  await shoot(b, "together-b-sees");

  // A writes private entries and changes a private note: B's page does not move.
  for (const [move, feeling] of [["withdraw", "overwhelmed"], ["return", "anxious"], ["turn_toward", "tired"]]) {
    await log(a, { move, feeling, note: `${PRIVATE} ${feeling}` }).catch(async (e) => {
      throw new Error(`logging ${move}/${feeling}: ${e.message}`);
    });
    assert.equal((await partnerPage(b)).text, seen.text, `B's page after A's private ${move}`);
  }

  // A withdraws the shared entry: B's page no longer shows it, and nothing says so.
  await a.goto(closer.base + "/together");
  await submit(a, a.locator("form[action='/together/share']:has(input[name=action][value=withdraw]) button"));
  const after = await partnerPage(b);
  assert.ok(!after.main.includes("tender"), `withdrawn: ${after.main}`);
  assert.ok(!/removed|withdrawn|edited|\bnew\b/i.test(after.main), `no mark of the withdrawal: ${after.main}`);
  await axe(b, "B /together (withdrawn)", violations);
  await shoot(b, "together-b-withdrawn");

  // A therapist link, tagged with two entries.
  await a.goto(closer.base + "/links");
  await axe(a, "A /links", violations);
  await a.fill("#link-name", "Dr R");
  await a.fill("#link-days", "14");
  await a.fill("#link-pass", PASS_A);
  await a.locator("form[action='/links/new'] button[type=submit]").click();
  await a.locator("#link-address").waitFor();
  const address = (await a.locator("#link-address").innerText()).trim();
  const u = new URL(address);
  assert.ok(u.searchParams.get("k") && u.searchParams.get("k").length >= 32, "a long token");
  const linkUrl = closer.base + u.pathname + u.search;
  await axe(a, "A link made", violations);
  await shoot(a, "together-link-made");
  await a.goto(closer.base + "/links");
  for (let i = 0; i < 2; i++) {
    await submit(a, a.locator("form[action='/links/tag']:has(input[name=action][value=on]) button").first());
    await a.goto(closer.base + "/links");
  }
  assert.equal(await a.locator("form[action='/links/tag']:has(input[name=action][value=off])").count(), 2);
  await axe(a, "A /links (tagged)", violations);
  await shoot(a, "together-links");

  // Browser C opens the link: the token leaves the address at once.
  const c = await browser();
  const r = await c.goto(linkUrl);
  assert.equal(r.status(), 200);
  const cu = new URL(c.url());
  assert.equal(cu.pathname, "/v");
  assert.equal(cu.search, "", `no token in the address: ${c.url()}`);
  assert.equal(await c.locator("dl.entry").count(), 2, "exactly the two tagged entries");
  const view = await c.content();
  assert.ok(!view.includes("Plover"), "no note in the therapist's view");
  assert.ok(view.includes("noindex"));
  assert.match(await c.locator("main").innerText(), /not enough yet/, "patterns from two entries: not enough yet");
  assert.ok(!view.includes("lonely") && !view.includes("tender"), "only the tagged entries");
  await axe(c, "C /v", violations);
  await shoot(c, "together-view");
  const history = await c.evaluate(() => window.history.length);
  assert.ok(history >= 1);

  // Browser D with the same link is refused, with the page of an unknown link.
  const d = await browser();
  const refused = await d.goto(linkUrl);
  const refusedBody = await refused.text();
  assert.equal(refused.status(), 404);
  assert.ok(!refusedBody.includes("dl class=\"entry\""));
  const unknown = await d.goto(`${closer.base}/v?k=${"0123456789abcdef".repeat(2)}01234567`);
  assert.equal(unknown.status(), 404);
  assert.equal(await unknown.text(), refusedBody, "refused and unknown look the same");
  await axe(d, "D refused", violations);
  await shoot(d, "together-refused");
  // C still sees the view; A sees that the link was refused elsewhere.
  assert.equal((await c.goto(closer.base + "/v")).status(), 200);
  await a.goto(closer.base + "/links");
  assert.match(await a.locator("main").innerText(), /Opened in another browser, refused/);
  await shoot(a, "together-links-refused");
});
