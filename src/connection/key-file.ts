/** Controller-side check of an identity file before any connection: it exists, is readable and holds a private key. */
import { readFile, stat } from 'node:fs/promises';
import { keyKind } from './ssh.ts';

/** Why `path` cannot serve as a private key file, or undefined when it can (an encrypted key is fine: ssh-agent or a
 *  passphrase may unlock it). */
export async function privateKeyFileProblem(path: string): Promise<string | undefined> {
  let data: Buffer;
  try {
    const st = await stat(path);
    if (st.isDirectory()) return 'is a directory, not a key file';
    if (!st.isFile()) return 'is not a regular file';
    data = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'no such file';
    if (code === 'ENOTDIR') return 'no such file (a parent is not a directory)';
    if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
    return `cannot be read: ${(e as Error).message}`;
  }
  const k = keyKind(data);
  if (k.kind === 'public') return `is a public key, not a private key${path.endsWith('.pub') ? ` (the private key is ${path.slice(0, -4)})` : ''}`;
  if (k.kind === 'invalid') return `is not a private key (${k.reason})`;
  return undefined;
}
