/** Summarise a V8 .cpuprofile (node --cpu-prof): self time by function and by package/file. `tsx bench/prof-summary.ts FILE [top]` */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: tsx bench/prof-summary.ts FILE.cpuprofile [top]');
const top = Number(topArg ?? 15);
const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));

const where = (url: string): string => {
  if (!url) return '(native/idle)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return `pkg:${nm[1]}`;
  if (url.startsWith('node:')) return url;
  const m = /\/(src|bench|bin|roles|playbooks)\/(.*)$/.exec(url);
  return m ? `${m[1]}/${m[2]}` : url;
};
const fn = new Map<string, number>();
const mod = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id);
  if (!n) continue;
  const w = where(n.callFrame.url);
  const name = `${n.callFrame.functionName || '(anonymous)'} ${w}:${n.callFrame.lineNumber + 1}`;
  fn.set(name, (fn.get(name) ?? 0) + us);
  mod.set(w, (mod.get(w) ?? 0) + us);
}
const total = (prof.endTime - prof.startTime) / 1000;
const show = (title: string, m: Map<string, number>): void => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(us / 1000).toFixed(1).padStart(9)} ms  ${((us / 1000 / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
};
console.log(`profile ${file}: ${total.toFixed(0)} ms`);
show('self time by package/file', mod);
show('self time by function', fn);
