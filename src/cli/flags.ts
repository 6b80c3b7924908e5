/** Parsed flags of the CLI commands. */

import type { VaultFlags } from './vault-options.ts';

/** Options of `rig run`, as commander parses them. */
export interface RunFlags extends VaultFlags {
  readonly inventory: string;
  readonly check?: boolean;
  readonly diff?: boolean;
  readonly limit?: string;
  readonly forks: string;
  readonly timeout: string;
  readonly extraVars: string[];
  readonly tags: string[];
  readonly skipTags: string[];
  readonly verbose?: boolean;
  readonly json?: string;
  readonly askBecomePass?: boolean;
  readonly acceptNewHostKeys?: boolean;
  readonly forceHandlers?: boolean;
  readonly listHosts?: boolean;
  readonly listTasks?: boolean;
}
