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
import path from "node:path";
import {
  startStub, startCloser, stopCloser, dbDir as sweptDir, canary, launch, axe as axeOnly, shoot, rawPage,
  exportDownload, backup,
} from "./lib.mjs";

const PASS_A = "the first person's passphrase here";
const PASS_B = "the second person's passphrase here";
const PRIVATE = `${canary("Plover", "note")} private words never shared`;
let stub, stubBase, closer, dbDir;
const violations = [];
const opened = [];

before(async () => {
  ({ stub, base: stubBase } = await startStub());
  dbDir = sweptDir("together");
  closer = await startCloser(["--db", path.join(dbDir, "web.db"), "--exit-url", `${stubBase}/weather`]);
});

after(async () => {
  for (const { ctx, profile } of opened) {
    await ctx.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
  // The database folder stays for the canary sweep (sweep.test.mjs), which removes it.
  await stopCloser(closer, dbDir);
  if (stub) { stub.close(); }
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
  await log(a, { move: "repair", feeling: "tender", note: `${canary("Plover", "note")} the note stays mine`, share: true });
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

// Journey 3, "coercion events never reach the partner": B's pages, fetched with B's session
// cookie (status, every header but Date, the body with B's csrf token taken out), stay
// byte-identical while A writes private entries, edits the note of a shared entry, makes and uses
// a therapist link, changes the passphrase, regenerates recovery codes and exports. Withdrawing
// one of two shared entries gives B exactly the page B had when only the other was shared (no
// mark). After A unlinks, each of B's pages equals a never-linked person's page.
const B_PAGES = ["/together", "/journal", "/journal/new", "/journal/patterns", "/me", "/links", "/day", "/note"];

/** A page as B's browser would get it: the status, the headers in order less Date, the body with
 * the csrf token and the username (the only per-person strings) replaced. */
async function asSeenBy(person, p) {
  const r = await rawPage(closer.base, p, person.cookie);
  const headers = [];
  for (let i = 0; i < r.rawHeaders.length; i += 2) {
    if (r.rawHeaders[i].toLowerCase() !== "date") { headers.push(`${r.rawHeaders[i]}: ${r.rawHeaders[i + 1]}`); }
  }
  const body = r.body.split(person.csrf).join("CSRF").split(person.username).join("USERNAME");
  return `${p} ${r.status}\n${headers.join("\n")}\n\n${body}`;
}

async function allPages(person) {
  const out = {};
  for (const p of B_PAGES) { out[p] = await asSeenBy(person, p); }
  return out;
}

/** The first line where two page texts differ, for a readable failure. */
function firstDifference(a, b) {
  const x = a.split(/(?=<)|\n/), y = b.split(/(?=<)|\n/);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) { return `expected ${JSON.stringify(x[i])}\n     got ${JSON.stringify(y[i])}`; }
  }
  return "(identical)";
}

function sameAs(expected, got, step) {
  for (const p of B_PAGES) {
    assert.ok(expected[p] === got[p], `${step}: B's ${p} changed\n${firstDifference(expected[p], got[p])}`);
  }
}

/** A person signed up in their own browser, with what their pages need: the session cookie, the
 * csrf token and the username. */
async function person(pass) {
  const page = await browser();
  await signUp(page, pass);
  const username = (await page.locator("#username").innerText()).trim();
  await page.goto(closer.base + "/journal");
  const csrf = await page.locator("input[name=csrf]").first().getAttribute("value");
  const cookie = (await page.context().cookies()).find((c) => c.name === "__Host-s");
  assert.ok(csrf && cookie && username);
  return { page, pass, username, csrf, cookie: `__Host-s=${cookie.value}` };
}

/** A post to the share route that no page offers, sent by `page`'s own browser (its session
 * cookie and Origin) with `csrf`: the status (303 when the answer redirects). */
async function craftedShare(page, entry, csrf, action) {
  return page.evaluate(async (f) => {
    const r = await fetch("/together/share", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(f).toString(),
      redirect: "manual",
    });
    return r.type === "opaqueredirect" ? 303 : r.status;
  }, { csrf, entry, action });
}

/** Clicks a submit button and waits for the answer, whether the script shows it in place or the
 * browser navigates. */
async function post(page, button) {
  await page.evaluate(() => { window.__before = document.body; });
  await button.first().click();
  for (let i = 0; i < 200; i++) {
    if (await page.evaluate(() => !window.__before || window.__before !== document.body).catch(() => false)) {
      await page.waitForLoadState("load");
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the page did not change after a submit (${page.url()})`);
}

test("journey 3: coercion events never reach the partner", async () => {
  const A = await person(PASS_A);
  const B = await person(PASS_B);
  const a = A.page;
  const never = await person("a third person's passphrase here");

  // Linked: A invites, B accepts.
  await a.goto(closer.base + "/together");
  await a.fill("#invite-pass", A.pass);
  await post(a, a.locator("form[action='/together/invite'] button[type=submit]"));
  const code = (await a.locator("#invite-code").innerText()).trim();
  await B.page.goto(closer.base + "/together");
  await B.page.fill("#code", code);
  await B.page.fill("#accept-pass", B.pass);
  await post(B.page, B.page.locator("form[action='/together/accept'] button[type=submit]"));
  assert.match(await B.page.locator("main").innerText(), /You are linked/);

  // A shares one entry (X); B's pages then: ONE. A shares a second (Y); B's pages then: TWO.
  await log(a, { move: "repair", feeling: "tender", note: `${canary("Plover", "note")} X`, share: true });
  const one = await allPages(B);
  assert.ok(one["/together"].includes("tender"), "B sees X");
  await log(a, { move: "turn_toward", feeling: "confused", note: `${canary("Plover", "note")} Y`, share: true });
  const two = await allPages(B);
  assert.ok(two["/together"].includes("tender") && two["/together"].includes("confused"), "B sees X and Y");
  sameAs(two, await allPages(B), "fetching again");
  for (const p of B_PAGES) { assert.match(two[p], /^\S+ 200\n/, `B is signed in: ${two[p].slice(0, 200)}`); }
  // A backup of the database in the middle of the journey (read by the canary sweep).
  backup(path.join(dbDir, "web.db"), "together");

  // Private entries.
  for (const [move, feeling] of [["withdraw", "overwhelmed"], ["reach", "lonely"]]) {
    await log(a, { move, feeling, note: `${canary("Plover", "note")} ${feeling}` });
    sameAs(two, await allPages(B), `A logs a private ${move}`);
  }
  // A edits the note of the shared entry X (its note is never shared).
  await a.goto(closer.base + "/journal");
  const xEntry = a.locator("article.entry", { hasText: "tender" });
  await post(a, xEntry.locator("form[action='/journal/change'] button"));
  const edited = `${canary("Plover", "note")} edited`;
  await a.fill("#note", edited);
  await post(a, a.locator("form[action='/journal/save'] button[type=submit]"));
  await a.goto(closer.base + "/journal");
  assert.ok((await a.locator("article.entry", { hasText: "tender" }).innerText()).includes(edited), "A's note changed");
  sameAs(two, await allPages(B), "A edits a shared entry's note");

  // A makes a therapist link, tags X for it, and the link is opened.
  await a.goto(closer.base + "/links");
  await a.fill("#link-name", `${canary("Plover", "link")} Dr`);
  await a.fill("#link-days", "14");
  await a.fill("#link-pass", A.pass);
  await post(a, a.locator("form[action='/links/new'] button[type=submit]"));
  const address = new URL((await a.locator("#link-address").innerText()).trim());
  await a.goto(closer.base + "/links");
  await post(a, a.locator("form[action='/links/tag']:has(input[name=action][value=on]) button"));
  sameAs(two, await allPages(B), "A makes and tags a therapist link");
  const first = await rawPage(closer.base, address.pathname + address.search);
  assert.equal(first.status, 303, "the link's first load trades the token for a cookie");
  const viewCookie = String(first.headers["set-cookie"]).split(";")[0];
  const view = await rawPage(closer.base, first.headers.location, viewCookie);
  assert.equal(view.status, 200);
  assert.equal((view.body.match(/<dl class="entry"/g) || []).length, 1, "the view shows the tagged entry");
  sameAs(two, await allPages(B), "the therapist link is opened");

  // A changes the passphrase, through the screen before a noticeable change.
  await a.goto(closer.base + "/me");
  await post(a, a.locator("form.check-passphrase button[type=submit]"));
  await axe(a, "A before a passphrase change", violations);
  await shoot(a, "before-passphrase");
  await a.fill("#pp-now", A.pass);
  A.pass = "the first person's new passphrase";
  await a.fill("#new_passphrase", A.pass);
  await post(a, a.locator("form[action='/me/passphrase'] button[type=submit]"));
  assert.equal(await a.locator("#answer").count(), 1);
  sameAs(two, await allPages(B), "A changes the passphrase");

  // A regenerates recovery codes (twice: making them, then making new ones).
  for (let i = 0; i < 2; i++) {
    await a.goto(closer.base + "/me");
    await a.fill("#codes-pp", A.pass);
    await post(a, a.locator("form[action='/me/codes'] button[type=submit]"));
    assert.equal(await a.locator("#codes li").count(), 8);
    sameAs(two, await allPages(B), `A makes recovery codes (${i + 1})`);
  }

  // A keeps a daily check-in and a private record (a note of what happened): neither reaches B.
  await a.goto(closer.base + "/day");
  await a.fill("#closeness", "3");
  await a.fill("#day-note", `${canary("Plover", "checkin")} a hard evening`);
  await post(a, a.locator("form[action='/day'] button[type=submit]"));
  await a.locator("#kept").waitFor();
  sameAs(two, await allPages(B), "A keeps a check-in");
  await a.goto(closer.base + "/note");
  await a.fill("#record", `${canary("Plover", "incident")} what was said at the door`);
  await post(a, a.locator("form[action='/note'] button[type=submit]"));
  await a.locator("#kept").waitFor();
  sameAs(two, await allPages(B), "A keeps a private record");

  // A exports everything (a download).
  const { download, problem } = await exportDownload(a, closer.base, A.pass);
  const exported = fs.readFileSync(await download.path(), "utf8");
  assert.ok(exported.includes(edited), "the export holds A's note");
  await download.delete();
  sameAs(two, await allPages(B), "A exports");

  // A note or a check-in cannot be shared. No page of A's offers a control for either (their
  // ids appear in no form), and a crafted post to the share route with either id, sent by A's
  // own browser with A's session and csrf, is refused; B's pages do not move.
  const { checkins, incidents } = JSON.parse(exported);
  assert.equal(checkins.length, 1, "one check-in exported");
  assert.equal(incidents.length, 1, "one private record exported");
  const unshareable = [["check-in", checkins[0].id], ["private record", incidents[0].id]];
  for (const p of ["/together", "/journal", "/day", "/note", "/links"]) {
    await a.goto(closer.base + p);
    const html = await a.content();
    for (const [what, id] of unshareable) {
      assert.ok(!html.includes(id), `A's ${p} offers no control for the ${what}`);
    }
  }
  await a.goto(closer.base + "/together");
  const csrfNow = await a.locator("input[name=csrf]").first().getAttribute("value");
  for (const [what, id] of unshareable) {
    assert.equal(await craftedShare(a, id, csrfNow, "share"), 404, `sharing the ${what} is refused`);
    sameAs(two, await allPages(B), `A tries to share the ${what}`);
  }
  // The same crafted post with a private entry's id is accepted and B sees it (so the refusals
  // above are the store's, not a malformed request); withdrawn, B's pages are as they were.
  const lonely = JSON.parse(exported).entries.find((e) => (e.feelings || []).includes("lonely"));
  assert.ok(lonely, "the private entry is in the export");
  assert.equal(await craftedShare(a, lonely.id, csrfNow, "share"), 303, "an entry can be shared");
  assert.ok((await allPages(B))["/together"].includes("lonely"), "B sees the entry shared by the crafted post");
  assert.equal(await craftedShare(a, lonely.id, csrfNow, "withdraw"), 303);
  sameAs(two, await allPages(B), "A shares a private entry and withdraws it");

  // A switches safety mode on (the help area's switch): what A is coached changes; B's pages
  // do not, by a byte.
  await a.goto(closer.base + "/questions");
  await post(a, a.locator("form[action='/questions/mode'] button[type=submit]"));
  await a.locator("#mode-now").waitFor();
  assert.equal(await a.locator("#mode input[name=mode][value=off]").count(), 1, "A's safety mode is on");
  sameAs(two, await allPages(B), "A enters safety mode");

  // A withdraws Y: B's pages are exactly what they were when only X was shared.
  await a.goto(closer.base + "/together");
  const yShare = a.locator("form[action='/together/share']:has(input[name=action][value=withdraw])")
    .filter({ has: a.locator("xpath=preceding-sibling::*[1][contains(., 'confused')]") });
  const withdraws = await a.locator("form[action='/together/share']:has(input[name=action][value=withdraw])").count();
  assert.equal(withdraws, 2, "two shared entries to withdraw");
  assert.equal(await yShare.count(), 1, "the withdraw button of Y");
  await post(a, yShare.locator("button"));
  sameAs(one, await allPages(B), "A withdraws Y");

  // A unlinks (through the screen before): every page of B is a never-linked person's page.
  await a.goto(closer.base + "/together");
  await post(a, a.locator("form[action='/together/check']:has(input[name=change][value=unlink]) button"));
  await axe(a, "A before unlinking", violations);
  await shoot(a, "before-unlink");
  await post(a, a.locator("form[action='/together/unlink'] button[type=submit]"));
  const unlinked = await allPages(B);
  const fresh = await allPages(never);
  for (const p of B_PAGES) { assert.match(fresh[p], /^\S+ 200\n/, `the third person is signed in: ${fresh[p].slice(0, 200)}`); }
  sameAs(fresh, unlinked, "after unlinking, compared with a never-linked person");
  assert.equal(problem, null, "the export with JavaScript on");
});
