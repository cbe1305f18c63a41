// Helpers shared by the browser tests (accounts, journal, together): a stub for the exit, a
// `closer serve` on a fresh database, Chromium with a persistent profile, axe, screenshots.
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { spawn, execFileSync } from "node:child_process";
import crypto from "node:crypto";
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
export const here = path.dirname(new URL(import.meta.url).pathname);
export const BIN = process.env.CLOSER_BIN || path.resolve(here, "../target/debug/closer");
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
export const OUT = path.resolve(here, "out");
export const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
export const ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run"];
export const SECRET = "an e2e secret of at least thirty-two characters";

/** A neutral site for the quick exit: `/weather` answers with the title "Weather". */
export function startStub() {
  return new Promise((resolve) => {
    const stub = http.createServer((req, res) => {
      const title = req.url.startsWith("/weather") ? "Weather" : "Before";
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><html lang="en"><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`);
    });
    stub.listen(0, "127.0.0.1", () => resolve({ stub, base: `http://127.0.0.1:${stub.address().port}` }));
  });
}

/** `closer serve` with `args`; resolves to { server, base, log } (log: the stderr lines). Both
 * of its outputs are also written, as they come, to a file under SWEEP for the canary sweep. */
export function startCloser(args, env = {}) {
  fs.mkdirSync(SWEEP, { recursive: true });
  const logFile = path.join(SWEEP, `server-${path.basename(process.argv[1] || "e2e")}-${process.pid}-${Date.now()}.log`);
  return new Promise((resolve, reject) => {
    const server = spawn(BIN, ["serve", "--addr", "127.0.0.1:0", ...args],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CLOSER_SECRET: SECRET, ...env } });
    const log = [];
    server.stderr.on("data", (d) => { log.push(String(d)); fs.appendFileSync(logFile, d); });
    let buf = "";
    server.stdout.on("data", (d) => {
      fs.appendFileSync(logFile, d);
      buf += d;
      const m = buf.match(/^listening on (http:\/\/[^\s]+)\/\n/);
      if (m) { resolve({ server, base: m[1], log }); }
    });
    server.on("exit", (code) => reject(new Error(`closer serve exited with ${code}`)));
  });
}

/** Chromium with a persistent profile (a fresh folder), optionally without JavaScript. */
export async function launch({ javaScriptEnabled = true } = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "closer-profile-"));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: false, args: ARGS, viewport: { width: 390, height: 844 },
    javaScriptEnabled,
  });
  const page = ctx.pages()[0] || await ctx.newPage();
  return { ctx, page, profile };
}

/** axe on the current page; violations are pushed to `into` (with the page's name). */
export async function axe(page, name, into) {
  await page.evaluate(AXE);
  const r = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
  }));
  for (const v of r.violations) {
    into.push(`${name}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  }
  assert.equal(await page.title(), "Notes", `${name}: the neutral title`);
  assert.equal(await page.locator("#quick-exit").count(), 1, `${name}: the quick exit`);
}

/** Screenshots at phone (390 px) and desktop width into e2e/out/. */
export async function shoot(page, name) {
  fs.mkdirSync(OUT, { recursive: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(OUT, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: path.join(OUT, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
}

/** A plain HTTP GET with a cookie header, no redirects followed: { status, location, body }. */
export function rawGet(base, p, cookie) {
  return new Promise((resolve, reject) => {
    const req = http.request(base + p, { headers: cookie ? { cookie } : {} }, (res) => {
      let body = "";
      res.on("data", (d) => { body += d; });
      res.on("end", () => resolve({ status: res.statusCode, location: res.headers.location, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The canary sweep (sweep.test.mjs, run last). Journeys type canaries made by `canary` (unique per
// run) and keep their database folders (`dbDir`), a copy of the live files at the end of the run
// (`stopCloser`), backups taken mid-run (`backup`) and the server's logs (`startCloser`) under
// SWEEP; the sweep looks for every canary in every one of those files.
export const SWEEP = process.env.CLOSER_SWEEP_DIR || path.join(OUT, "sweep");
export const CANARIES = path.join(SWEEP, "canaries.jsonl");

/** A canary for `kind` (signup, note, soften, incident, checkin, link, …): `<prefix>canary<hex>`,
 * random per run, recorded for the sweep. Type it as it is, or inside other words. */
export function canary(prefix, kind) {
  const c = `${prefix}canary${crypto.randomBytes(6).toString("hex")}`;
  fs.mkdirSync(SWEEP, { recursive: true });
  fs.appendFileSync(CANARIES, JSON.stringify({ canary: c, kind, file: path.basename(process.argv[1] || "") }) + "\n");
  return c;
}

/** The canaries recorded so far in this run: [{ canary, kind, file }]. */
export function canaries() {
  if (!fs.existsSync(CANARIES)) { return []; }
  return fs.readFileSync(CANARIES, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

/** A fresh folder for a journey's database, kept for the sweep (which removes it). */
export function dbDir(name) {
  fs.mkdirSync(SWEEP, { recursive: true });
  return fs.mkdtempSync(path.join(SWEEP, `db-${name}-`));
}

/** A backup of the SQLite database taken while the server runs (`sqlite3 DB ".backup FILE"`). */
export function backup(db, name) {
  const file = path.join(SWEEP, `backup-${name}-${crypto.randomBytes(4).toString("hex")}.db`);
  execFileSync("sqlite3", [db, `.backup '${file}'`]);
  return file;
}

/** Copies the database folder's files (database, -wal, -shm) as they are while the server runs,
 * then stops the server (SIGTERM) and waits for it to end. */
export async function stopCloser(closer, folder) {
  if (!closer) { return; }
  if (folder && fs.existsSync(folder)) {
    const live = `${folder}-live`;
    fs.mkdirSync(live, { recursive: true });
    for (const f of fs.readdirSync(folder)) {
      try { fs.copyFileSync(path.join(folder, f), path.join(live, f)); } catch { /* gone meanwhile */ }
    }
  }
  if (closer.server.exitCode === null) {
    const ended = new Promise((r) => closer.server.once("exit", r));
    closer.server.kill();
    await Promise.race([ended, sleep(5000)]);
  }
}

/** Where `needle` occurs in `bytes`, as UTF-8 or UTF-16LE (case-sensitive). */
export function holds(bytes, needle) {
  return bytes.includes(Buffer.from(needle, "utf8")) || bytes.includes(Buffer.from(needle, "utf16le"));
}

/** Every file under `dir`, recursively. */
export function filesUnder(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) { walk(p); } else if (e.isFile()) { out.push(p); }
    }
  };
  if (fs.existsSync(dir)) { walk(dir); }
  return out;
}

/** A plain HTTP GET with a cookie header, no redirects followed: status, headers and body. */
export function rawPage(base, p, cookie) {
  return new Promise((resolve, reject) => {
    const req = http.request(base + p, { headers: cookie ? { cookie } : {} }, (res) => {
      const chunks = [];
      res.on("data", (d) => chunks.push(d));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** The export on /journal as a person does it: picks the format, types the passphrase, presses the
 * button, and waits for the download. Returns { download, problem }: when pressing the button
 * brings no download (the page's script shows the answer in place instead), `problem` says what
 * the page showed, and the form is sent again without the script (as without JavaScript), so the
 * rest of a journey can go on; callers assert that `problem` is null at the end. */
export async function exportDownload(page, base, pass, format = "json") {
  await page.goto(base + "/journal");
  await page.selectOption("#format", format);
  await page.fill("#export-pp", pass);
  const button = page.locator("form[action='/journal/export'] button[type=submit]");
  let download = null;
  let problem = null;
  try {
    [download] = await Promise.all([page.waitForEvent("download", { timeout: 8000 }), button.click()]);
  } catch {
    const shown = await page.evaluate(() => document.body ? document.body.innerText.slice(0, 120) : "")
      .catch(() => "(no page)");
    problem = `pressing the export button brought no download; the page at ${new URL(page.url()).pathname} shows: ${JSON.stringify(shown)}`;
    await page.goto(base + "/journal");
    await page.selectOption("#format", format);
    await page.fill("#export-pp", pass);
    [download] = await Promise.all([
      page.waitForEvent("download", { timeout: 15000 }),
      page.evaluate(() => {
        const f = document.querySelector("form[action='/journal/export']");
        HTMLFormElement.prototype.submit.call(f);
      }),
    ]);
  }
  return { download, problem };
}
