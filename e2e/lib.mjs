// Helpers shared by the browser tests (accounts, journal, together): a stub for the exit, a
// `closer serve` on a fresh database, Chromium with a persistent profile, axe, screenshots.
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
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

/** `closer serve` with `args`; resolves to { server, base, log } (log: the stderr lines). */
export function startCloser(args, env = {}) {
  return new Promise((resolve, reject) => {
    const server = spawn(BIN, ["serve", "--addr", "127.0.0.1:0", ...args],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CLOSER_SECRET: SECRET, ...env } });
    const log = [];
    server.stderr.on("data", (d) => log.push(String(d)));
    let buf = "";
    server.stdout.on("data", (d) => {
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
