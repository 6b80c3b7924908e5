/** Debian's chromium, headless, for tests that load a page in a real browser (installed by scripts/test-all.sh). */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tempDir } from './temp-dir.ts';

const BIN = '/usr/bin/chromium';

/** Whether chromium is there; the reason to print when it is not. */
export function chromiumAvailability(): { ok: true } | { ok: false; reason: string } {
  return existsSync(BIN) ? { ok: true } : { ok: false, reason: `${BIN} not found (scripts/test-all.sh installs it: apt-get install -y chromium)` };
}

function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // a profile of its own per call; --no-sandbox because tests run as root
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', `--user-data-dir=${tempDir('rig-chromium-')}`];
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, [...flags, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The DOM of `file` after chromium loaded it, serialized (what the page became, not the file's text). */
export async function dumpDom(file: string): Promise<string> {
  const r = await run(['--dump-dom', pathToFileURL(file).href]);
  if (r.code !== 0) throw new Error(`chromium --dump-dom failed (${r.code}): ${r.stderr.slice(-500)}`);
  return r.stdout;
}

/** A PNG of `file` rendered at `width`×`height` CSS pixels. */
export async function screenshot(file: string, png: string, width = 1280, height = 1600): Promise<void> {
  const r = await run([`--window-size=${width},${height}`, `--screenshot=${png}`, pathToFileURL(file).href]);
  if (r.code !== 0 || !existsSync(png)) throw new Error(`chromium --screenshot failed (${r.code}): ${r.stderr.slice(-500)}`);
}
