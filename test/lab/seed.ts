/** Each VM's seed disk: a small ext4 populated from a directory (mke2fs -d, no mount) that the base image reads once. */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VmSpec } from './config.ts';
import { must } from './exec.ts';
import { SEED_LABEL } from './image-recipe.ts';
import type { HostKey } from './keys.ts';

/** Build `<runDir>/<name>.seed.img` carrying hostname, private address, host key and the lab user's public key. */
export async function buildSeed(runDir: string, vm: VmSpec, hostKey: HostKey, labPublicKey: string): Promise<string> {
  const dir = join(runDir, `${vm.name}.seed`);
  const img = join(runDir, `${vm.name}.seed.img`);
  rmSync(dir, { recursive: true, force: true });
  rmSync(img, { force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'hostname'), `${vm.name}\n`);
  writeFileSync(join(dir, 'private-address'), `${vm.privateIp}/${vm.prefixLength}\n`);
  writeFileSync(join(dir, 'authorized_keys'), `${labPublicKey}\n`, { mode: 0o600 });
  copyFileSync(hostKey.privateFile, join(dir, 'ssh_host_ed25519_key'));
  copyFileSync(hostKey.publicFile, join(dir, 'ssh_host_ed25519_key.pub'));
  await must('mkfs.ext4', ['-q', '-F', '-L', SEED_LABEL, '-d', dir, img, '4M']);
  rmSync(dir, { recursive: true, force: true });
  return img;
}
