/** Inventory host keys as Ansible reads them: `name[:port]`, `[v6]:port`, and ranges `web[01:20]`, `db[a:c]`, `[1:9:2]`. */

const RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const NUM_RANGE = String.raw`\[[0-9]+:[0-9]+(?::[0-9]+)?\]`;
const HEX_RANGE = String.raw`\[[0-9a-f]+:[0-9a-f]+(?::[0-9]+)?\]`;
const LABEL = String.raw`(?:[\p{L}\p{N}_]|${RANGE})(?:[\p{L}\p{N}_-]|${RANGE})*(?<![_-])`;
const IPV4_PART = String.raw`(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${NUM_RANGE})`;

const patterns = {
  bracketedHostPort: /^\[(.+)\]:([0-9]+)$/,
  hostPort: /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/,
  ipv4: new RegExp(String.raw`^(?:${IPV4_PART}\.){3}${IPV4_PART}$`, 'i'),
  hostname: new RegExp(String.raw`^${LABEL}(?:\.${LABEL})*$`, 'iu'),
};

// Ansible spells out every compressed IPv6 form; hex groups (or hex ranges), colons and an optional dotted tail cover them.
const IPV6_PART = String.raw`(?:[0-9a-f]{1,4}|${HEX_RANGE})`;
const ipv6 = new RegExp(String.raw`^(?:${IPV6_PART}?:){2,7}(?:${IPV6_PART}|(?:${IPV4_PART}\.){3}${IPV4_PART})?$`, 'i');

/** Split `host:port` / `[host]:port` as Ansible's parse_address does; throws when the rest is not a host name or address. */
export function parseAddress(address: string): { host: string; port?: number } {
  let rest = address;
  let port: number | undefined;
  for (const re of [patterns.bracketedHostPort, patterns.hostPort]) {
    const m = re.exec(rest);
    if (m) {
      rest = m[1]!;
      port = Number(m[2]);
    }
  }
  const valid = patterns.ipv4.test(rest) || (rest.includes(':') && ipv6.test(rest)) || patterns.hostname.test(rest);
  if (!valid) throw new Error(`not a valid network hostname: ${rest}`);
  return port === undefined ? { host: rest } : { host: rest, port };
}

/** Expand one inventory host key into host names and an optional port for all of them. */
export function expandHostPattern(key: string): { hosts: string[]; port?: number } {
  let pattern = key;
  let port: number | undefined;
  try {
    const parsed = parseAddress(key);
    pattern = parsed.host;
    port = parsed.port;
  } catch {
    // not an address: Ansible keeps the key as it is
  }
  const hosts = pattern.includes('[') ? expandRange(pattern) : [pattern];
  return port === undefined ? { hosts } : { hosts, port };
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Ansible's expand_hostname_range: the first [begin:end(:step)] is expanded, then the rest recursively. */
export function expandRange(line: string): string[] {
  const open = line.indexOf('[');
  const close = line.indexOf(']', open);
  if (close < 0) throw new Error(`host range in "${line}" has no closing "]"`);
  const head = line.slice(0, open);
  const tail = line.slice(close + 1);
  const bounds = line.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3) throw new Error(`host range in "${line}" must be begin:end or begin:end:step`);
  const beg = bounds[0] || '0';
  const end = bounds[1]!;
  const step = bounds.length === 3 ? Number(bounds[2]) : 1;
  if (!end) throw new Error(`host range in "${line}" must specify an end value`);
  if (!Number.isInteger(step) || step <= 0) throw new Error(`host range step in "${line}" must be a positive integer`);
  let fill = (x: string | number): string => String(x);
  if (beg[0] === '0' && beg.length > 1) {
    if (beg.length !== end.length) throw new Error(`host range in "${line}" must use equal-length begin and end (${beg}, ${end})`);
    fill = (x) => String(x).padStart(beg.length, '0');
  }
  const seq: (string | number)[] = [];
  const ib = beg.length === 1 ? LETTERS.indexOf(beg) : -1;
  const ie = end.length === 1 ? LETTERS.indexOf(end) : -1;
  if (ib >= 0 && ie >= 0) {
    if (ib > ie) throw new Error(`host range in "${line}" must have begin <= end`);
    for (let i = ib; i <= ie; i += step) seq.push(LETTERS[i]!);
  } else {
    if (!/^[0-9]+$/.test(beg) || !/^[0-9]+$/.test(end)) throw new Error(`host range [${bounds.join(':')}] in "${line}" is neither numeric nor a single-letter range`);
    for (let i = Number(beg); i <= Number(end); i += step) seq.push(i);
  }
  return seq.flatMap((x) => {
    const name = head + fill(x) + tail;
    return name.includes('[') ? expandRange(name) : [name];
  });
}
