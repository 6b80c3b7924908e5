/** `--report FILE`: the run as one self-contained HTML page (see html/render.ts), written atomically at the end. */
import type { RunSummary } from '../core/result.ts';
import { renderReport } from './html/render.ts';
import { JsonReporter, writeAtomic } from './json.ts';

/** Options of HtmlReporter. */
export interface HtmlReporterOptions {
  /** Path of the HTML page; replaced atomically. */
  readonly file: string;
  /** The clock, in ms since the epoch. @default Date.now */
  readonly now?: () => number;
}

/** Collects the run as the JSON reporter does (redacted) and writes it rendered as HTML at onRunEnd. */
export class HtmlReporter extends JsonReporter {
  constructor(private readonly html: HtmlReporterOptions) {
    super(html.now ? { now: html.now } : {});
  }

  override async onRunEnd(summary: RunSummary): Promise<void> {
    await writeAtomic(this.html.file, renderReport(this.report(summary)));
  }
}
