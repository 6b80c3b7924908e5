/**
 * Child process of tty.test.ts: plays a fixture run through the reporter `rig run` would pick for this stdout (the live
 * tree on a terminal, plain lines on a pipe), colored as `rig run` decides (useColor). argv[2]: 'loop' | 'real' | 'wait'.
 */
import { secret } from '../../../src/core/secret.ts';
import { ListrReporter, PlainReporter, useColor } from '../../../src/reporters/index.ts';
import { loopRun, realRun, SECRET, waitRun } from './fixture-run.ts';

secret(SECRET);
const opts = { out: process.stdout, verbosity: 0, diff: true, color: useColor(process.stdout), waitRefreshMs: 100, waitNoticeMs: 150 };
// argv[3]: the live tree's maxHostRows (1: the compact view of many hosts)
const reporter = process.stdout.isTTY ? new ListrReporter({ ...opts, ...(process.argv[3] ? { maxHostRows: Number(process.argv[3]) } : {}) }) : new PlainReporter(opts);
const scenario = process.argv[2];
if (scenario === 'wait') await reporter.onRunEnd(await waitRun(reporter));
else await reporter.onRunEnd((scenario === 'real' ? realRun : loopRun)(reporter));
