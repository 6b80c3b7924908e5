/** Reporters: plain lines, the listr2 live tree, --json, --report (HTML), a recording one for tests, and a fan-out. */
export { PlainReporter, type TextReporterOptions } from './plain.ts';
export { ListrReporter, type ListrReporterOptions, type ListrRendererName } from './listr.ts';
export { JsonReporter, writeAtomic, type JsonReporterOptions, type JsonReport, type JsonPlay, type JsonTask, type JsonResult, type JsonHostSetup } from './json.ts';
export { HtmlReporter, type HtmlReporterOptions } from './html-report.ts';
export { renderReport } from './html/render.ts';
export { RecordingReporter, type RecordedEvent } from './recording.ts';
export { MultiReporter } from './multi.ts';
export { printRecap, recapLines, formatDuration } from './recap.ts';
export { NO_LOG_MSG, isNoLog } from './format.ts';
export { palette, useColor, type Palette, type Paint } from './colors.ts';
