/** `tsx test/lab/cli.ts up|down|reset|status` — the VM lab from the command line (npm run lab:*). */
import { LabError } from './errors.ts';
import { down, reset, status, up } from './lab.ts';

const usage = `usage: tsx test/lab/cli.ts <command>
  up [--vms N]      build the base image if its recipe changed, boot N VMs (default 3), write inventory/lab/
  down              stop the VMs by pid and drop their disks (caches stay in RIG_LAB_DIR or ~/.cache/rig-lab)
  reset [name...]   return VMs (default all) to the pristine base image, rebooting running ones
  status            what is cached and what runs`;

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'up': {
      const i = rest.indexOf('--vms');
      const vms = i >= 0 ? Number(rest[i + 1]) : undefined;
      const r = await up(vms === undefined ? {} : { vms });
      console.log(`lab up: ${r.state.vms.map((v) => `${v.name} ssh -p ${v.sshPort} rig@127.0.0.1 (${v.privateIp})`).join('; ')}`);
      console.log(`inventory: ${r.inventoryDir}`);
      if (!r.consul.ok) console.log(`consul: unavailable: ${r.consul.reason}`);
      return;
    }
    case 'down': {
      const i = rest.indexOf('--if-owner');
      await down(i >= 0 ? { ifOwner: Number(rest[i + 1]) } : {});
      return;
    }
    case 'reset':
      await reset(rest.length ? { names: rest } : {});
      return;
    case 'status': {
      const s = await status();
      console.log(`lab dir: ${s.dir} (${gib(s.diskBytes)} on disk)`);
      console.log(`consul: ${s.consul?.ok ? `${s.consul.binary} (${s.consul.version})` : 'not built'}`);
      if (!s.state) {
        console.log('lab: down');
        return;
      }
      console.log(`base images: ${Object.entries(s.state.baseImages ?? {}).map(([r, p]) => `${r} ${p}`).join(', ')}; ${s.state.accel}; started ${s.state.startedAt}${s.state.owner ? `; owned by pid ${s.state.owner}` : ''}`);
      for (const v of s.vms) {
        console.log(`${v.name} (${v.release}): ${v.pid ? `running (pid ${v.pid})` : 'stopped'}, ssh 127.0.0.1:${v.sshPort} ${v.ssh ? 'ok' : 'no answer'}, private ${v.privateIp}`);
      }
      return;
    }
    default:
      console.error(usage);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof LabError) {
    console.error(`lab: ${e.message}`);
    process.exit(1);
  }
  throw e;
});
