/** getUrl facts: which downloader the host has (curl preferred, else wget). */
import type { Fact } from '../core/fact.ts';

/** The program a download would use; 'none' when the host has neither. */
export type DownloadTool = 'curl' | 'wget' | 'none';

/** The downloader on the host's PATH: curl, else wget, else none (`command -v`, so no network is touched). */
export const downloadTool: Fact<DownloadTool> = {
  name: 'getUrl.downloadTool',
  command: () =>
    'if command -v curl >/dev/null 2>&1; then echo curl; elif command -v wget >/dev/null 2>&1; then echo wget; else echo none; fi',
  parse(out) {
    const t = out.stdout.trim();
    if (t === 'curl' || t === 'wget' || t === 'none') return t;
    throw new Error(`getUrl.downloadTool: unexpected output ${JSON.stringify(out.stdout.slice(0, 200))} ${out.stderr.slice(0, 200)}`);
  },
};
