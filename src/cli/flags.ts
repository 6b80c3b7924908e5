/** Parsed flags of the CLI commands. */

/** Options of `rig run`, as commander parses them. */
export interface RunFlags {
  readonly inventory: string;
  readonly check?: boolean;
  readonly diff?: boolean;
  readonly limit?: string;
  readonly forks: string;
  readonly timeout: string;
  readonly extraVars: string[];
  readonly tags: string[];
  readonly skipTags: string[];
  /** How many -v were given (0–3 and more, Ansible's verbosity). */
  readonly verbose: number;
  readonly json?: string;
  readonly askBecomePass?: boolean;
  readonly acceptNewHostKeys?: boolean;
  readonly forceHandlers?: boolean;
  readonly listHosts?: boolean;
  readonly listTasks?: boolean;
}
