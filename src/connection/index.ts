/** SSH connections (ssh2 underneath), host key policy, ~/.ssh/config, and the atomic file-write script. */
export { connect, type ConnectOptions } from './ssh-connection.ts';
export { openConnection } from './open.ts';
export { LocalConnection } from './local.ts';
export { writeFileScript, hideContent, BACKUP_LINE, TEMP_PREFIX } from './write-file.ts';
export { parseKnownHosts, checkHostKey, hashHostName, hostLookupName, fingerprint, type KnownHostEntry, type HostKeyVerdict } from './known-hosts.ts';
export { privateKeyFileProblem } from './key-file.ts';
export { knownHostsFileProblem, type KnownHostsFileProblem } from './known-hosts-file.ts';
export { createLimiter, type Limiter } from './concurrency.ts';
