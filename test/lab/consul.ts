/** A real Consul binary for the lab, built with the Go toolchain from the Go module proxy and cached. */
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabPaths } from './config.ts';
import { run, type RunOptions } from './exec.ts';
import { onPath } from './preflight.ts';

/**
 * The Consul release built for the lab. Its go.mod replaces its own api/sdk/… submodules with ./dirs that module zips
 * leave out, so `go install …@version` refuses. We build inside a copy of the downloaded module with those replace
 * lines dropped, so the published submodule versions its go.mod already requires are used, verified by its go.sum
 * and the checksum database. v1.21.0 is the newest release whose required submodule versions the proxy serves here.
 */
export const CONSUL_VERSION = 'v1.21.0';
const MODULE = 'github.com/hashicorp/consul';
const SUBMODULES = ['api', 'envoyextensions', 'proto-public', 'sdk', 'troubleshoot'];

/** The binary, or why there is none. */
export type ConsulArtifact =
  | { ok: true; binary: string; version: string; buildSeconds: number | null }
  | { ok: false; reason: string };

/** Where the cached binary lives. */
export function consulBinaryPath(paths: LabPaths): string {
  return join(paths.consul, `consul-${CONSUL_VERSION.slice(1)}`);
}

function goBinary(): string | null {
  if (existsSync('/usr/local/go/bin/go')) return '/usr/local/go/bin/go';
  return onPath('go') ? 'go' : null;
}

/** The cached binary if it is there, without building. */
export function cachedConsul(paths: LabPaths): ConsulArtifact | null {
  const bin = consulBinaryPath(paths);
  if (!existsSync(bin)) return null;
  const meta = join(paths.consul, `consul-${CONSUL_VERSION.slice(1)}.json`);
  const buildSeconds = existsSync(meta) ? (JSON.parse(readFileSync(meta, 'utf8')) as { buildSeconds: number }).buildSeconds : null;
  return { ok: true, binary: bin, version: CONSUL_VERSION.slice(1), buildSeconds };
}

/** Return the cached Consul binary, building it when missing; never throws (the Consul checks skip with the reason). */
export async function ensureConsul(paths: LabPaths, log: (m: string) => void): Promise<ConsulArtifact> {
  const cached = cachedConsul(paths);
  if (cached) return cached;
  if (process.env['RIG_LAB_CONSUL'] === '0') return { ok: false, reason: 'RIG_LAB_CONSUL=0: Consul build switched off' };
  const go = goBinary();
  if (!go) return { ok: false, reason: 'no Go toolchain (go not in /usr/local/go/bin or PATH): install Go >= 1.24 to build Consul' };
  mkdirSync(paths.consul, { recursive: true });
  const logFile = join(paths.consul, 'build.log');
  const src = join(paths.consul, 'build-src');
  rmSync(logFile, { force: true });
  rmSync(src, { recursive: true, force: true });
  const opts: RunOptions = {
    logFile,
    env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
    timeoutMs: 60 * 60_000,
  };
  const t0 = Date.now();
  log(`building Consul ${CONSUL_VERSION} with ${go} in the background (log: ${logFile})`);
  const fail = (what: string, out: string): ConsulArtifact => {
    const tail = out.trim().split('\n').filter((l) => !l.startsWith('go: downloading')).slice(-2).join(' | ');
    return { ok: false, reason: `Consul ${CONSUL_VERSION} build failed at ${what}: ${tail} (log: ${logFile})` };
  };
  try {
    const dl = await run(go, ['mod', 'download', '-json', `${MODULE}@${CONSUL_VERSION}`], opts);
    if (dl.code !== 0) return fail('go mod download', dl.stdout + dl.stderr);
    const info = JSON.parse(dl.stdout) as { Dir: string; Info: string };
    cpSync(info.Dir, src, { recursive: true });
    chmodSync(src, 0o755);
    await run('chmod', ['-R', 'u+w', src]);
    for (const m of SUBMODULES) {
      const e = await run(go, ['mod', 'edit', `-dropreplace=${MODULE}/${m}`], { ...opts, cwd: src });
      if (e.code !== 0) return fail('go mod edit', e.stderr);
    }
    const origin = JSON.parse(readFileSync(info.Info, 'utf8')) as { Time?: string; Origin?: { Hash?: string } };
    const ldflags = [
      '-s', '-w',
      `-X ${MODULE}/version.GitCommit=${origin.Origin?.Hash?.slice(0, 8) ?? ''}`,
      `-X ${MODULE}/version.BuildDate=${origin.Time ?? ''}`,
    ].join(' ');
    const out = join(paths.consul, 'consul.tmp');
    const b = await run(go, ['build', '-trimpath', '-ldflags', ldflags, '-o', out, '.'], { ...opts, cwd: src });
    if (b.code !== 0) return fail('go build', b.stderr);
    const v = await run(out, ['version']);
    if (v.code !== 0 || !v.stdout.includes(CONSUL_VERSION)) return fail('consul version', v.stdout + v.stderr);
    const buildSeconds = (Date.now() - t0) / 1000;
    const bin = consulBinaryPath(paths);
    renameSync(out, bin);
    writeFileSync(`${bin}.json`, JSON.stringify({ version: CONSUL_VERSION, buildSeconds, go, versionOutput: v.stdout.trim() }, null, 2) + '\n');
    log(`Consul ${CONSUL_VERSION} built in ${buildSeconds.toFixed(0)} s: ${bin}`);
    return { ok: true, binary: bin, version: CONSUL_VERSION.slice(1), buildSeconds };
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
}
