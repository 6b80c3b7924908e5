/**
 * Vault secrets from the command line, as ansible-playbook's CLI.setup_vault_secrets builds them: every `--vault-id`
 * (in order), then every `--vault-password-file`, then ANSIBLE_VAULT_PASSWORD_FILE (id `default`), then the
 * `--ask-vault-pass` prompt. A file is read (whitespace around the password stripped); an executable file is run and its
 * stdout (trailing newlines stripped) is the password (ScriptVaultSecret); one named `*-client[.ext]` is run with
 * `--vault-id ID` (ClientScriptVaultSecret).
 */
import { execFile } from 'node:child_process';
import { access, constants, readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { promisify } from 'node:util';
import { ValidationError, type Problem } from '../core/errors.ts';
import { secret } from '../core/secret.ts';
import { DEFAULT_VAULT_ID, type VaultSecret } from '../inventory/index.ts';
import { askSecret } from './prompt.ts';
import type { VaultFlags } from './vault-options.ts';

const run = promisify(execFile);

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function fromFile(file: string, id: string, flag: string): Promise<Buffer> {
  let st;
  try {
    st = await stat(file);
  } catch {
    throw { where: `${flag} ${file}`, message: `The vault password file ${file} was not found`, hint: 'give the path of a file holding the vault password' } satisfies Problem;
  }
  if (st.isDirectory()) throw { where: `${flag} ${file}`, message: `The vault password file provided '${file}' can not be a directory` } satisfies Problem;
  let password: Buffer;
  if (await isExecutable(file)) {
    const client = basename(file, extname(file)).endsWith('-client');
    try {
      password = (await run(file, client ? ['--vault-id', id] : [], { encoding: 'buffer', maxBuffer: 1 << 20 })).stdout;
    } catch (e) {
      const err = e as { code?: number | string; stderr?: Buffer };
      throw {
        where: `${flag} ${file}`,
        message: `Vault password script ${file} returned non-zero (${err.code ?? '?'}): ${err.stderr?.toString('utf8').trim() ?? ''}`,
        hint: 'an executable password file is run and must print the password; remove its executable bit if it is a plain file',
      } satisfies Problem;
    }
    password = stripEnd(password);
  } else {
    password = Buffer.from((await readFile(file, 'utf8')).trim(), 'utf8');
  }
  if (password.length === 0) throw { where: `${flag} ${file}`, message: `Invalid vault password was provided from file (${file})`, hint: 'the file is empty' } satisfies Problem;
  secret(password.toString('utf8'));
  return password;
}

function stripEnd(b: Buffer): Buffer {
  let end = b.length;
  while (end > 0 && (b[end - 1] === 0x0a || b[end - 1] === 0x0d)) end--;
  let start = 0;
  while (start < end && (b[start] === 0x0a || b[start] === 0x0d)) start++;
  return b.subarray(start, end);
}

async function prompt(question: string, flag: string): Promise<Buffer> {
  if (!process.stdin.isTTY) {
    throw { where: flag, message: 'cannot ask for the vault password: there is no terminal', hint: 'pass --vault-password-file FILE (or set ANSIBLE_VAULT_PASSWORD_FILE) when running without a TTY' } satisfies Problem;
  }
  const answer = await askSecret(question);
  if (!answer) throw { where: flag, message: 'Invalid vault password was provided from prompt: it is empty' } satisfies Problem;
  secret(answer);
  return Buffer.from(answer, 'utf8');
}

/** The vault secrets the flags and environment give, in the order Ansible tries them; throws ValidationError listing every bad source. */
export async function loadVaultSecrets(flags: VaultFlags, env: NodeJS.ProcessEnv = process.env): Promise<VaultSecret[]> {
  if (flags.askVaultPass && flags.vaultPasswordFile?.length) {
    // ansible-playbook's argparse group makes these two mutually exclusive
    throw new ValidationError({ where: '--vault-password-file', message: 'argument --vault-password-file/--vault-pass-file: not allowed with argument -J/--ask-vault-password/--ask-vault-pass', hint: 'give one of them (or --vault-id for several secrets)' });
  }
  const slugs: { id: string; source: string; flag: string }[] = [];
  for (const v of flags.vaultId ?? []) {
    const at = v.indexOf('@');
    slugs.push({ id: at < 0 ? DEFAULT_VAULT_ID : v.slice(0, at) || DEFAULT_VAULT_ID, source: at < 0 ? v : v.slice(at + 1), flag: '--vault-id' });
  }
  for (const f of flags.vaultPasswordFile ?? []) slugs.push({ id: DEFAULT_VAULT_ID, source: f, flag: '--vault-password-file' });
  if (env.ANSIBLE_VAULT_PASSWORD_FILE) slugs.push({ id: DEFAULT_VAULT_ID, source: env.ANSIBLE_VAULT_PASSWORD_FILE, flag: 'ANSIBLE_VAULT_PASSWORD_FILE' });
  if (flags.askVaultPass) slugs.push({ id: DEFAULT_VAULT_ID, source: 'prompt_ask_vault_pass', flag: '--ask-vault-pass' });

  const secrets: VaultSecret[] = [];
  const problems: Problem[] = [];
  for (const s of slugs) {
    try {
      const password =
        s.source === 'prompt_ask_vault_pass'
          ? await prompt('Vault password: ', s.flag)
          : s.source === 'prompt'
            ? await prompt(`Vault password (${s.id}): `, `${s.flag} ${s.id}@prompt`)
            : await fromFile(s.source, s.id, s.flag);
      secrets.push({ id: s.id, password, source: s.source === 'prompt_ask_vault_pass' ? 'prompt' : s.source });
    } catch (e) {
      if (e instanceof Error) throw e;
      problems.push(e as Problem);
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return secrets;
}
