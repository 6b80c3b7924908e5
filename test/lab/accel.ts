/** KVM when it really works (probed with a timeout), TCG otherwise. */
import { accessSync, constants, readFileSync } from 'node:fs';
import { run } from './exec.ts';

/** The qemu acceleration arguments and why they were chosen. */
export interface Accel {
  kind: 'kvm' | 'tcg';
  args: string[];
  why: string;
}

const TCG: string[] = ['-accel', 'tcg,thread=multi', '-cpu', 'max'];

/** Probe KVM: the CPU must expose vmx/svm, /dev/kvm must open, and SeaBIOS must actually run under it within 10 s. */
export async function chooseAccel(): Promise<Accel> {
  if (process.env['RIG_LAB_ACCEL'] === 'tcg') return { kind: 'tcg', args: TCG, why: 'RIG_LAB_ACCEL=tcg' };
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  if (!/\b(vmx|svm)\b/.test(cpuinfo)) return { kind: 'tcg', args: TCG, why: 'CPU exposes no vmx/svm' };
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return { kind: 'tcg', args: TCG, why: '/dev/kvm not usable' };
  }
  // SeaBIOS prints its banner on the debug port as soon as the vCPU executes; a hang or abort means KVM does not work
  const r = await run(
    'qemu-system-x86_64',
    ['-accel', 'kvm', '-cpu', 'host', '-m', '64', '-nodefaults', '-display', 'none', '-no-reboot',
      '-chardev', 'stdio,id=dbg', '-device', 'isa-debugcon,iobase=0x402,chardev=dbg'],
    { timeoutMs: 10_000 },
  );
  if (r.stdout.includes('SeaBIOS')) return { kind: 'kvm', args: ['-accel', 'kvm', '-cpu', 'host'], why: 'KVM probe ran SeaBIOS' };
  return { kind: 'tcg', args: TCG, why: `KVM probe failed (${r.code === 124 ? 'hung' : `exit ${r.code}`})` };
}
