// Browser test of my questionnaires, the kept screen result and the coaching switch (issue 15,
// webmeasures): sign up, enter a measure by item number, see the score, keep it; go through the
// private questions, keep the result; switch safety mode on and off; axe on every page;
// screenshots at 390 and 1280 px.
//
//   CLOSER_BIN=../target/debug/closer node --test --test-concurrency=1 measures.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startStub, startCloser, launch, axe, shoot } from "./lib.mjs";

const PASS = "plain words for a measures passphrase";
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

/** The page's width fits the viewport: nothing forces sideways scrolling at phone width. */
async function fits(page, name) {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
  }));
  assert.ok(scroll <= client, `${name}: ${scroll} px wide in a ${client} px window`);
}

/** Clicks a submit button and waits for the page its form answers with. */
async function submit(page, button) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), button.click()]);
}

/** The form of the choice `instrument` on `scale`, from /m. */
async function open(page, instrument, scale) {
  await page.goto(closer.base + "/m");
  const form = page.locator(`form[action='/m/form']:has(input[name=instrument][value='${instrument}']):has(input[name=scale][value='${scale}'])`);
  await submit(page, form.locator("button[type=submit]"));
}

test("a measure by item number, a kept screen result, and the coaching switch", async () => {
  const { ctx, page, profile } = await launch();
  try {
    await page.goto(closer.base + "/signup");
    await page.fill("#passphrase", PASS);
    await page.locator("form[action='/signup'] button[type=submit]").click();
    await page.locator("#username").waitFor();

    // My questionnaires, reached from the journal's menu by a plain link.
    await page.goto(closer.base + "/journal");
    await submit(page, page.locator("nav a[href='/m']").first());
    assert.equal(new URL(page.url()).pathname, "/m");
    await axe(page, "/m", violations);
    await fits(page, "/m");
    await shoot(page, "measures-list");

    // The ECR-RS on 1–7: nine number inputs labelled 1…9.
    await open(page, "ecr-rs", "1-7");
    assert.equal(await page.locator("input[type=number][min='1'][max='7']").count(), 9);
    assert.equal((await page.locator("label[for=q9]").innerText()).trim(), "9");
    await axe(page, "the form", violations);
    await fits(page, "the form");
    await shoot(page, "measures-form");

    // One answer left out: the form again, naming the item .
    for (let i = 1; i <= 9; i++) { if (i !== 7) await page.fill(`#q${i}`, "4"); }
    await submit(page, page.locator("form[action='/m/score'] button[type=submit]"));
    assert.match(await page.locator("#problem").innerText(), /Item 7/);
    assert.equal(await page.inputValue("#q1"), "4", "what was typed is kept");
    await axe(page, "a problem", violations);
    await shoot(page, "measures-problem");

    await page.fill("#q7", "4");
    await submit(page, page.locator("form[action='/m/score'] button[type=submit]"));
    const scores = await page.locator("#scores").innerText();
    assert.match(scores, /4\.00/);
    await axe(page, "scores", violations);
    await fits(page, "scores");
    await shoot(page, "measures-scores");
    await submit(page, page.locator("form[action='/m/keep'] button[type=submit]"));
    await page.locator("#kept").waitFor();
    await axe(page, "kept", violations);
    await page.goto(closer.base + "/m");
    assert.match(await page.locator("#kept").innerText(), /ECR-RS/);
    await shoot(page, "measures-kept");

    // The CPQ with every answer high: its safety signals lead, with the international directory
    // and the region picker of the help area; a region picked there shows that region's lines
    // for the same result (asked, never kept).
    await open(page, "cpq", "1-9");
    for (let i = 1; i <= 35; i++) { await page.fill(`#q${i}`, "8"); }
    await submit(page, page.locator("form[action='/m/score'] button[type=submit]"));
    assert.equal(await page.locator("#numbers select#region").count(), 1, "the region picker");
    assert.equal(await page.locator("a[href='tel:911']").count(), 0, "no region's number before one is picked");
    assert.equal(await page.locator("a[href^='https://findahelpline.com'][rel=noreferrer]").count() > 0, true, "the directory, a link");
    const before = await page.locator("#scores").innerText();
    await axe(page, "CPQ help", violations);
    await fits(page, "CPQ help");
    await shoot(page, "measures-cpq-help");
    await page.selectOption("#region", "US");
    await submit(page, page.locator("#numbers button[type=submit]"));
    assert.ok(await page.locator("a[href='tel:911']").count() > 0, "the US lines dial in one tap");
    assert.equal(await page.locator("#scores").innerText(), before, "the same result");
    await axe(page, "CPQ help for a region", violations);
    await fits(page, "CPQ help for a region");
    await shoot(page, "measures-cpq-region");

    // The private questions, all answered yes; the result offers to keep it.
    await page.goto(closer.base + "/questions");
    await submit(page, page.locator("button[value=start]"));
    while (await page.locator("button[value=yes]").count()) {
      await submit(page, page.locator("button[value=yes]"));
    }
    await page.locator("#keep").waitFor();
    await axe(page, "the result with its keep offer", violations);
    await shoot(page, "questions-keep-offer");
    await submit(page, page.locator("form[action='/questions/keep'] button[type=submit]"));
    await page.locator("#kept").waitFor();
    // High danger: the coaching switch is offered.
    assert.equal(await page.locator("form[action='/questions/mode']").count(), 1);
    await axe(page, "kept result", violations);
    await fits(page, "kept result");
    await shoot(page, "questions-kept");

    // Switched on from there; the help area says so, and offers to go again.
    await submit(page, page.locator("form[action='/questions/mode'] button[type=submit]"));
    await page.locator("#mode-now").waitFor();
    await axe(page, "switched on", violations);
    await shoot(page, "mode-on");
    await page.goto(closer.base + "/questions");
    assert.equal(await page.locator("#again").count(), 1, "the offer to go again");
    assert.equal(await page.locator("#mode input[name=mode][value=off]").count(), 1);
    await axe(page, "/questions signed in", violations);
    await fits(page, "/questions signed in");
    await shoot(page, "questions-signed-in");
    for (const p of ["/", "/journal"]) {
      await page.goto(closer.base + p);
      assert.equal(await page.locator("#again").count(), 0, `${p}: no offer to go again`);
    }
    await page.goto(closer.base + "/read");
    await axe(page, "/read in safety mode", violations);

    // And off again.
    await page.goto(closer.base + "/questions");
    await submit(page, page.locator("#mode button[type=submit]"));
    await page.locator("#mode-now").waitFor();
    assert.equal(await page.locator("#mode input[name=mode][value=on]").count(), 1);
    await axe(page, "switched off", violations);
    await shoot(page, "mode-off");
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});
