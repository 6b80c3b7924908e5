/** Which authentication methods to try, in OpenSSH's spirit: agent, identity files (explicit or the default ones), password. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { checkPrivateKey, type AuthStep } from './ssh.ts';

/** Auth steps plus a human list of what was tried (for the error message) and keys skipped, with why. */
export interface AuthPlan {
  readonly steps: readonly AuthStep[];
  readonly tried: readonly string[];
  readonly skipped: readonly string[];
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** Build the auth plan; explicit identity files that are missing are reported, default ones silently skipped. */
export function authPlan(o: { identityFiles: readonly string[]; password?: string; env?: NodeJS.ProcessEnv }): AuthPlan {
  const steps: AuthStep[] = [];
  const tried: string[] = [];
  const skipped: string[] = [];
  const sock = (o.env ?? process.env)['SSH_AUTH_SOCK'];
  if (sock && existsSync(sock)) {
    steps.push({ type: 'agent', socket: sock });
    tried.push('ssh-agent');
  }
  const explicit = o.identityFiles.length > 0;
  const files = explicit ? o.identityFiles : DEFAULT_KEYS.map((k) => join(homedir(), '.ssh', k));
  for (const f of files) {
    if (!existsSync(f) || !statSync(f).isFile()) {
      if (explicit) skipped.push(`${f}: not found`);
      continue;
    }
    const key = readFileSync(f);
    const problem = checkPrivateKey(key);
    if (problem) {
      skipped.push(`${f}: ${/passphrase|encrypted/i.test(problem) ? 'encrypted (load it into ssh-agent)' : problem}`);
      continue;
    }
    steps.push({ type: 'publickey', key, source: f });
    tried.push(`key ${f}`);
  }
  if (o.password !== undefined) {
    steps.push({ type: 'password', password: o.password });
    tried.push('password');
  }
  return { steps, tried, skipped };
}
