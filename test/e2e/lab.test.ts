// The VM lab's "done means" (issue 3): three real Debian VMs, real GRUB and reboot, a private segment, a swarm by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sh } from '../../src/core/quote.ts';
import { run } from '../lab/exec.ts';
import { labSkipReason, useLab, type Lab } from './lab-harness.ts';

const skip = labSkipReason();
if (skip) console.warn(`SKIPPED lab e2e: ${skip}`);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.skipIf(skip !== null)('VM lab', () => {
  let lab: Lab;
  const touched = { swarm: false, grub: false };

  beforeAll(async () => {
    lab = await useLab();
  });

  afterAll(async () => {
    if (!lab) return;
    // leave the VMs as later suites expect them: no swarm, the image's GRUB config
    if (touched.swarm) {
      await lab.run('lab2', 'sudo docker swarm leave --force');
      await lab.run('lab1', 'sudo docker swarm leave --force');
    }
    if (touched.grub) await lab.run('lab3', 'sudo cp /etc/default/grub.rig-lab-test /etc/default/grub && sudo update-grub');
  });

  it('reaches all three VMs as the lab user with host-key checking on', async () => {
    expect(lab.hosts.map((h) => h.name)).toEqual(['lab1', 'lab2', 'lab3']);
    for (const h of lab.hosts) {
      const out = await lab.must(h, 'echo "$(id -un) $(hostname) $(sudo -n id -u)"');
      expect(out.trim()).toBe(`rig ${h.name} 0`);
    }
    // the same login with an empty known_hosts must be refused: checking is really on
    const refused = await run('ssh', [
      '-F', '/dev/null', '-i', lab.privateKeyFile, '-p', String(lab.host('lab1').sshPort), '-o', 'BatchMode=yes',
      '-o', 'StrictHostKeyChecking=yes', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'GlobalKnownHostsFile=/dev/null',
      'rig@127.0.0.1', 'true',
    ]);
    expect(refused.code).toBe(255);
    expect(refused.stderr).toMatch(/Host key verification failed/);
  });

  it('boots the real kernel through GRUB and applies an edited GRUB_CMDLINE_LINUX after a reboot', async () => {
    const vm = 'lab3';
    const token = `rig_lab_probe=${Date.now().toString(36)}`;
    const bootId = (await lab.must(vm, 'cat /proc/sys/kernel/random/boot_id')).trim();
    expect(await lab.must(vm, 'cat /proc/cmdline')).toMatch(/^BOOT_IMAGE=/);
    const line = `GRUB_CMDLINE_LINUX="cgroup_enable=memory swapaccount=1 ${token}"`;
    await lab.must(vm, sh`sudo cp -n /etc/default/grub /etc/default/grub.rig-lab-test && sudo sed -i ${`s/^GRUB_CMDLINE_LINUX=.*/${line}/`} /etc/default/grub`);
    touched.grub = true;
    await lab.must(vm, 'sudo update-grub');
    expect(await lab.must(vm, sh`sudo grep -c -- ${token} /boot/grub/grub.cfg`)).not.toBe('0\n');
    const t0 = Date.now();
    // the connection drops as the VM goes down; its exit code says nothing
    await lab.run(vm, 'sudo systemctl reboot', { timeoutMs: 60_000 });
    let newId = bootId;
    while (Date.now() - t0 < 15 * 60_000) {
      await sleep(3000);
      const r = await lab.run(vm, 'cat /proc/sys/kernel/random/boot_id', { timeoutMs: 15_000 });
      if (r.code === 0 && r.stdout.trim() !== bootId) {
        newId = r.stdout.trim();
        break;
      }
    }
    console.info(`lab3 reboot back to ssh: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    expect(newId).not.toBe(bootId);
    const cmdline = await lab.must(vm, 'cat /proc/cmdline');
    expect(cmdline).toMatch(/^BOOT_IMAGE=/);
    expect(cmdline).toContain('cgroup_enable=memory swapaccount=1');
    expect(cmdline).toContain(token);
  });

  it('has VM 2 reach VM 1 sshd over the private segment', async () => {
    const lab1 = lab.host('lab1');
    const lab2 = lab.host('lab2');
    expect(await lab.must(lab2, 'ip -4 -o addr show dev eth1')).toContain(`${lab2.privateIp}/24`);
    await lab.must(lab2, sh`nc -z -w 5 ${lab1.privateIp} 22`);
    // not just an open port: lab1's sshd answers with its banner
    const banner = await lab.must(lab2, sh`timeout 10 bash -c ${`exec 3<>/dev/tcp/${lab1.privateIp}/22; head -c 8 <&3`}`);
    expect(banner).toBe('SSH-2.0-');
  });

  it('initialises a swarm on VM 1 (advertised on the private address) and joins VM 2 by hand', async () => {
    const lab1 = lab.host('lab1');
    const lab2 = lab.host('lab2');
    for (const h of [lab1, lab2]) await lab.must(h, 'timeout 300 sh -c "until sudo docker info >/dev/null 2>&1; do sleep 2; done"');
    touched.swarm = true;
    await lab.must(lab1, sh`sudo docker swarm init --advertise-addr ${lab1.privateIp}`);
    const token = (await lab.must(lab1, 'sudo docker swarm join-token -q worker')).trim();
    await lab.must(lab2, sh`sudo docker swarm join --token ${token} --advertise-addr ${lab2.privateIp} ${`${lab1.privateIp}:2377`}`);
    let nodes = '';
    for (let i = 0; i < 30; i++) {
      nodes = await lab.must(lab1, "sudo docker node ls --format '{{.Hostname}} {{.Status}}'");
      if (nodes.trim().split('\n').filter((l) => l.endsWith(' Ready')).length === 2) break;
      await sleep(2000);
    }
    expect(nodes.trim().split('\n').sort()).toEqual(['lab1 Ready', 'lab2 Ready']);
    const addr = await lab.must(lab1, "sudo docker info --format '{{.Swarm.NodeAddr}}'");
    expect(addr.trim()).toBe(lab1.privateIp);
  });
});
