/**
 * The one place that finds (and, when asked, provisions) the Chromium the tests and the benchmark drive.
 *
 * Order: `CHROMIUM_PATH`; Playwright's own browser for the installed Playwright version (whichever binary
 * headless mode launches: the headless shell by default, full Chromium through `channel: "chromium"`); a
 * system headless shell, Chromium or Chrome. Each candidate is proven by launching it headless and opening a blank page, not
 * by a file existing. With `--provision` and nothing found: `npx playwright install chromium`, then, on
 * Debian or Ubuntu as root, `apt-get install -y chromium-headless-shell` (or `chromium`); otherwise it stops with one sentence that says what
 * to install.
 *
 * `npm run test:e2e` runs this file first (`pretest:e2e`); playwright.config.ts and bench/run.ts read the choice
 * through `browserLaunchOptions()`. The choice is cached in node_modules/.cache/trainlink/browser.json, keyed
 * by the Playwright version and checked to still exist on every read.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type LaunchOptions } from "@playwright/test";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const cacheFile = join(root, "node_modules", ".cache", "trainlink", "browser.json");

/** Flags that keep a system Chromium working as root on an offline machine (no sandbox, no GPU, no phoning home). */
export const SYSTEM_CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Where system Chromium or Chrome installs itself, per platform, in order of preference. The headless shell
 * comes first: on a 2-core machine it opens a page about 2.3× and navigates about 2.5× faster than full
 * Chromium in headless mode, which is all the tests need.
 */
const SYSTEM_PATHS = [
  "/usr/bin/chromium-headless-shell",
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/snap/bin/chromium",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
  "C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe",
];

/** A browser choice: how Playwright should launch it, and a label for people. */
export interface BrowserChoice {
  label: string;
  executablePath?: string;
  channel?: string;
}

interface Cached extends BrowserChoice {
  playwright: string;
}

function playwrightVersion(): string {
  const pkg = JSON.parse(readFileSync(join(root, "node_modules", "playwright-core", "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/** Launch options for a choice: system binaries get SYSTEM_CHROMIUM_ARGS; Playwright's own need none. */
export function launchOptionsFor(choice: BrowserChoice): LaunchOptions {
  if (choice.executablePath) return { executablePath: choice.executablePath, args: SYSTEM_CHROMIUM_ARGS };
  return choice.channel ? { channel: choice.channel } : {};
}

/** The candidates in order of preference, without launching anything. */
function candidates(): BrowserChoice[] {
  const list: BrowserChoice[] = [];
  const custom = process.env.CHROMIUM_PATH;
  if (custom) list.push({ label: `CHROMIUM_PATH (${custom})`, executablePath: custom });
  list.push({ label: "Playwright's Chromium headless shell" });
  list.push({ label: "Playwright's Chromium", channel: "chromium" });
  for (const path of SYSTEM_PATHS) if (existsSync(path)) list.push({ label: `system browser ${path}`, executablePath: path });
  return list;
}

/** True when the choice launches headless and renders a page. Never throws. */
async function works(choice: BrowserChoice): Promise<boolean> {
  if (choice.executablePath && !existsSync(choice.executablePath)) return false;
  try {
    const browser = await chromium.launch({ ...launchOptionsFor(choice), headless: true, timeout: 30_000 });
    try {
      const page = await browser.newPage();
      await page.setContent("<p>ok</p>");
      return (await page.textContent("p")) === "ok";
    } finally {
      await browser.close();
    }
  } catch {
    return false;
  }
}

function readCache(): BrowserChoice | null {
  if (!existsSync(cacheFile)) return null;
  try {
    const cached = JSON.parse(readFileSync(cacheFile, "utf8")) as Cached;
    if (cached.playwright !== playwrightVersion()) return null;
    if (cached.executablePath && !existsSync(cached.executablePath)) return null;
    return { label: cached.label, executablePath: cached.executablePath, channel: cached.channel };
  } catch {
    return null;
  }
}

function writeCache(choice: BrowserChoice) {
  mkdirSync(dirname(cacheFile), { recursive: true });
  const cached: Cached = { ...choice, playwright: playwrightVersion() };
  writeFileSync(cacheFile, `${JSON.stringify(cached, null, 2)}\n`);
}

/** The first candidate that launches, or null. When CHROMIUM_PATH is set it is the only candidate. */
async function findWorking(): Promise<BrowserChoice | null> {
  const list = process.env.CHROMIUM_PATH ? candidates().slice(0, 1) : candidates();
  for (const choice of list) if (await works(choice)) return choice;
  return null;
}

function sh(command: string, args: string[]): boolean {
  console.log(`browser: running ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" }, timeout: 15 * 60_000 });
  return result.status === 0;
}

const canApt = () =>
  process.platform === "linux" &&
  existsSync("/etc/debian_version") &&
  typeof process.getuid === "function" &&
  process.getuid() === 0 &&
  existsSync("/usr/bin/apt-get");

/**
 * Finds a working Chromium and, when `provision` is true and none works, installs one (Playwright's download,
 * then Debian's package where that is possible). Caches and returns the choice.
 * Throws an Error whose message is one sentence saying what to install when no browser can be had.
 */
export async function ensureBrowser({ provision }: { provision: boolean }): Promise<BrowserChoice> {
  if (!process.env.CHROMIUM_PATH) {
    const cached = readCache();
    if (cached && (await works(cached))) return cached;
  }
  let choice = await findWorking();
  if (!choice && provision && !process.env.CHROMIUM_PATH) {
    if (sh(process.execPath, [join(root, "node_modules", "playwright-core", "cli.js"), "install", "chromium"])) choice = await findWorking();
    if (!choice && canApt() && sh("apt-get", ["update"])) {
      // A fresh Debian machine has empty package lists: update once, then install. Debian ships the headless
      // shell as its own package; where a distribution lacks it, full Chromium.
      for (const pkg of ["chromium-headless-shell", "chromium"]) {
        if (sh("apt-get", ["install", "-y", pkg])) choice = await findWorking();
        if (choice) break;
      }
    }
  }
  if (!choice) {
    rmSync(cacheFile, { force: true });
    throw new Error(
      process.env.CHROMIUM_PATH
        ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not launch headless; point it at a working Chromium or Chrome, or unset it.`
        : "No Chromium found for the end-to-end tests: run `npx playwright install chromium` (or install Chromium or Chrome, e.g. `apt-get install chromium`, or set CHROMIUM_PATH to one) and run the tests again.",
    );
  }
  if (!process.env.CHROMIUM_PATH) writeCache(choice);
  return choice;
}

/**
 * Launch options for Playwright (playwright.config.ts, bench/run.ts), synchronously: the cached choice, or,
 * when there is none yet, this script run once as a child process to find one (without installing anything).
 * Throws with the script's one-sentence advice when no browser works.
 */
export function browserLaunchOptions(): LaunchOptions {
  const custom = process.env.CHROMIUM_PATH;
  if (custom) return launchOptionsFor({ label: "CHROMIUM_PATH", executablePath: custom });
  let choice = readCache();
  if (!choice) {
    const result = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--find"], { cwd: root, encoding: "utf8" });
    if (result.status !== 0) throw new Error((result.stderr || "No Chromium found for the end-to-end tests.").trim());
    choice = readCache();
    if (!choice) throw new Error("No Chromium found for the end-to-end tests.");
  }
  return launchOptionsFor(choice);
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  // No top-level await: playwright.config.ts imports this module, and its loader may compile it to CommonJS.
  ensureBrowser({ provision: !process.argv.includes("--find") }).then(
    (choice) => console.log(`browser: ${choice.label}`),
    (error: Error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
