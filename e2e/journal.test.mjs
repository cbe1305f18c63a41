// Browser test of the journal (issue 15): sign up, log a moment with a note at phone width
// through /journal/new, see it on /journal, change it, see its earlier versions, delete it, open
// the patterns ("not enough yet"); axe on every journal page; screenshots at 390 and 1280 px.
//
//   CLOSER_BIN=../target/debug/closer node --test --test-concurrency=1 journal.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { startStub, startCloser, stopCloser, dbDir as sweptDir, canary, launch, axe, shoot } from "./lib.mjs";

const PASS = "plain words for a journal passphrase";
const NOTE = `${canary("Wren", "note")} first words`;
const CHANGED = `${canary("Wren", "note")} second words`;
let stub, stubBase, closer, dbDir;
const violations = [];

before(async () => {
  ({ stub, base: stubBase } = await startStub());
  dbDir = sweptDir("journal");
  closer = await startCloser(["--db", path.join(dbDir, "web.db"), "--exit-url", `${stubBase}/weather`]);
});

after(async () => {
  // The database folder stays for the canary sweep (sweep.test.mjs), which removes it.
  await stopCloser(closer, dbDir);
  if (stub) { stub.close(); }
  assert.deepEqual(violations, [], "axe found no violations");
});

/** The page's width fits the viewport: nothing forces sideways scrolling at phone width. */
async function fits(page, name) {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
  }));
  assert.ok(scroll <= client, `${name}: ${scroll} px wide in a ${client} px window`);
}

/** The entries on /journal, as their text. */
async function entries(page) {
  return page.locator("article.entry").allInnerTexts();
}

/** Clicks a submit button and waits for the page its form answers with. */
async function submit(page, button) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), button.click()]);
}

test("the journal at phone width: log, see, change, earlier versions, delete, patterns", async () => {
  const { ctx, page, profile } = await launch();
  try {
    assert.equal(page.viewportSize().width, 390, "phone width");
    await page.goto(closer.base + "/signup");
    await page.fill("#passphrase", PASS);
    await page.locator("form[action='/signup'] button[type=submit]").click();
    await page.locator("#username").waitFor();

    // The empty journal, reached from a plain link.
    await page.goto(closer.base + "/journal");
    assert.equal(new URL(page.url()).pathname, "/journal");
    assert.deepEqual(await entries(page), [], "nothing yet");
    await axe(page, "/journal (empty)", violations);
    await fits(page, "/journal (empty)");
    await shoot(page, "journal-empty");

    // Log a moment through the form, as a person on a phone would.
    await page.goto(closer.base + "/journal/new");
    await axe(page, "/journal/new", violations);
    await fits(page, "/journal/new");
    await shoot(page, "journal-new");
    assert.equal(await page.locator("#share_partner").count(), 0, "no partner, no share box");
    await page.selectOption("#move", "withdraw");
    await page.locator("input[name=feeling][value=overwhelmed]").check();
    await page.locator("input[name=need][value=calm]").check();
    await page.fill("#intensity", "6");
    await page.selectOption("#way", "pause");
    await page.fill("#note", NOTE);
    await page.locator("form[action='/journal/new'] button[type=submit]").click();
    await page.locator("#kept").waitFor();
    await axe(page, "kept", violations);
    await shoot(page, "journal-kept");

    await page.goto(closer.base + "/journal");
    let list = await entries(page);
    assert.equal(list.length, 1, `one entry: ${JSON.stringify(list)}`);
    assert.ok(list[0].includes(NOTE), "the owner sees the note");
    assert.ok(list[0].includes("overwhelmed") && list[0].includes("calm"), list[0]);
    assert.ok(list[0].includes("6"), "the intensity");
    await axe(page, "/journal", violations);
    await fits(page, "/journal");
    await shoot(page, "journal-list");

    // Change the note.
    await page.locator("article.entry form[action='/journal/change'] button").click();
    await page.locator("#note").waitFor();
    assert.equal(await page.inputValue("#note"), NOTE, "the change form holds the note");
    await axe(page, "change", violations);
    await fits(page, "change");
    await shoot(page, "journal-change");
    await page.fill("#note", CHANGED);
    await submit(page, page.locator("form[action='/journal/save'] button[type=submit]"));
    await page.goto(closer.base + "/journal");
    list = await entries(page);
    assert.equal(list.length, 1);
    assert.ok(list[0].includes(CHANGED) && !list[0].includes(NOTE), list[0]);

    // Its earlier versions: the first words in a version of their own, then the entry as it is.
    await page.locator("article.entry form[action='/journal/earlier'] button").click();
    await page.locator("section.version").first().waitFor();
    const versions = await page.locator("section.version").allInnerTexts();
    assert.equal(versions.length, 1, `one earlier version: ${JSON.stringify(versions)}`);
    assert.ok(versions[0].includes(NOTE) && !versions[0].includes(CHANGED), versions[0]);
    const current = await page.locator("main > article.entry").allInnerTexts();
    assert.equal(current.length, 1);
    assert.ok(current[0].includes(CHANGED), current[0]);
    await axe(page, "earlier", violations);
    await fits(page, "earlier");
    await shoot(page, "journal-earlier");

    // Delete it: the list is empty again.
    await page.goto(closer.base + "/journal");
    await submit(page, page.locator("article.entry form[action='/journal/delete'] button"));
    await axe(page, "deleted", violations);
    await shoot(page, "journal-deleted");
    await page.goto(closer.base + "/journal");
    assert.deepEqual(await entries(page), [], "gone");
    assert.ok(!(await page.content()).includes("Wrencanary"), "no trace of the note");

    // Patterns with nothing to go on.
    await page.goto(closer.base + "/journal/patterns");
    assert.match(await page.locator("main").innerText(), /not enough yet/i);
    await axe(page, "/journal/patterns", violations);
    await fits(page, "/journal/patterns");
    await shoot(page, "journal-patterns");
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});
