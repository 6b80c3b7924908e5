/** The inventory a harness writes for its hosts: Ansible's hosts.yml shape, emitted as JSON (valid YAML 1.2). */

/** Inputs of inventoryYaml. */
export interface InventoryInput {
  readonly hosts: readonly { readonly name: string; readonly address: string; readonly port: number }[];
  readonly user: string;
  readonly keyFile: string;
  readonly knownHostsFile: string;
  readonly hostVars?: Record<string, Record<string, unknown>>;
  readonly groups?: Record<string, string[]>;
}

/** hosts.yml text: connection vars in all.vars, each host's address/port, extra host vars and groups. */
export function inventoryYaml(i: InventoryInput): string {
  const hosts: Record<string, Record<string, unknown>> = {};
  for (const h of i.hosts) hosts[h.name] = { ansible_host: h.address, ansible_port: h.port, ...(i.hostVars?.[h.name] ?? {}) };
  const children: Record<string, { hosts: Record<string, null> }> = {};
  for (const [group, members] of Object.entries(i.groups ?? {})) {
    children[group] = { hosts: Object.fromEntries(members.map((m) => [m, null])) };
  }
  const doc = {
    all: {
      vars: { ansible_user: i.user, ansible_ssh_private_key_file: i.keyFile, rig_known_hosts_file: i.knownHostsFile },
      hosts,
      ...(Object.keys(children).length ? { children } : {}),
    },
  };
  return `# written by test/integration/harness (JSON is YAML)\n${JSON.stringify(doc, null, 2)}\n`;
}
