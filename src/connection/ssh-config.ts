/** ~/.ssh/config lookup (the `ssh-config` library) merged with inventory settings: inventory wins, as in Ansible. */
import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';
import type { Host } from '../core/index.ts';

/** Where and how to connect, after ssh config and inventory are merged. */
export interface ResolvedTarget {
  /** Name used for ssh config matching and known_hosts aliases (the inventory address). */
  readonly alias: string;
  /** Address actually dialled (ssh config HostName, else alias). */
  readonly hostname: string;
  readonly port: number;
  readonly user: string;
  /** Identity files in order: inventory, then ssh config; empty means "use the default ones". */
  readonly identityFiles: readonly string[];
  /** ProxyJump chain, outermost first ("none" removed). */
  readonly proxyJump: readonly string[];
  /** ssh config UserKnownHostsFile, if set. */
  readonly userKnownHostsFiles: readonly string[];
}

/** Inventory-level overrides: only what the inventory set explicitly. */
export interface TargetOverrides {
  readonly address: string;
  readonly port?: number;
  readonly user?: string;
  readonly identityFiles?: readonly string[];
  readonly proxyJump?: string;
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
function many(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Expand ~ and the tokens ssh_config(5) allows in HostName/IdentityFile/UserKnownHostsFile. */
export function expandTokens(value: string, t: { host: string; alias: string; port: number; user: string }): string {
  const home = homedir();
  const expanded = value.replace(/%([%dhnpru])/g, (_, c: string) =>
    ({ '%': '%', d: home, h: t.host, n: t.alias, p: String(t.port), r: t.user, u: userInfo().username })[c] ?? '',
  );
  return expanded === '~' ? home : expanded.startsWith('~/') ? join(home, expanded.slice(2)) : expanded;
}

let cache: { path: string; text: string; config: SSHConfig } | undefined;

function loadConfig(path: string): SSHConfig | undefined {
  if (!existsSync(path)) return undefined;
  // re-parsed only when the text changed
  const text = readFileSync(path, 'utf8');
  if (cache?.path !== path || cache.text !== text) cache = { path, text, config: SSHConfig.parse(text) };
  return cache.config;
}

/** The overrides an inventory host states explicitly (port 22 and address = name are defaults unless a var set them). */
export function overridesFromHost(host: Host): TargetOverrides {
  const v = host.vars;
  const explicitPort = 'ansible_port' in v || 'rig_port' in v || 'ansible_ssh_port' in v || host.ssh.port !== 22;
  return {
    address: host.ssh.address,
    ...(explicitPort ? { port: host.ssh.port } : {}),
    ...(host.ssh.user !== undefined ? { user: host.ssh.user } : {}),
    ...(host.ssh.identityFiles?.length ? { identityFiles: host.ssh.identityFiles } : {}),
    ...(host.ssh.proxyJump !== undefined ? { proxyJump: host.ssh.proxyJump } : {}),
  };
}

/** Merge ssh config (at `configPath`, default ~/.ssh/config) under the inventory's explicit settings. */
export function resolveTarget(o: TargetOverrides, configPath?: string): ResolvedTarget {
  const path = configPath ?? join(homedir(), '.ssh', 'config');
  const cfg = loadConfig(path)?.compute(o.address, { ignoreCase: true, matchExec: false }) ?? {};
  const alias = o.address;
  const port = o.port ?? (Number(one(cfg['port'])) || 22);
  const user = o.user ?? one(cfg['user']) ?? userInfo().username;
  const tokens = { host: alias, alias, port, user };
  const hostnameRaw = one(cfg['hostname']);
  const hostname = hostnameRaw ? expandTokens(hostnameRaw, tokens) : alias;
  const tokensWithHost = { ...tokens, host: hostname };
  const identityFiles = [
    ...(o.identityFiles ?? []).map((f) => expandTokens(f, tokensWithHost)),
    ...many(cfg['identityfile']).map((f) => expandTokens(f, tokensWithHost)),
  ];
  const jump = o.proxyJump ?? one(cfg['proxyjump']);
  const proxyJump = !jump || jump === 'none' ? [] : jump.split(',').map((s) => s.trim()).filter(Boolean);
  const userKnownHostsFiles = many(cfg['userknownhostsfile'])
    .flatMap((f) => f.split(/\s+/))
    .filter((f) => f && f !== 'none')
    .map((f) => expandTokens(f, tokensWithHost));
  return { alias, hostname, port, user, identityFiles, proxyJump, userKnownHostsFiles };
}

/** Parse a ProxyJump element `[user@]host[:port]` (or ssh://user@host:port). */
export function parseJumpSpec(spec: string): { address: string; port?: number; user?: string } {
  const s = spec.replace(/^ssh:\/\//, '');
  const at = s.lastIndexOf('@');
  const user = at >= 0 ? s.slice(0, at) : undefined;
  const rest = at >= 0 ? s.slice(at + 1) : s;
  const m = /^\[(.+)\](?::(\d+))?$/.exec(rest) ?? /^([^:]+)(?::(\d+))?$/.exec(rest);
  const address = m?.[1] ?? rest;
  const port = m?.[2] ? Number(m[2]) : undefined;
  return { address, ...(port !== undefined ? { port } : {}), ...(user ? { user } : {}) };
}
