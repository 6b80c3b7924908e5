/**
 * Child process of tty.test.ts: plays a fixture run through the reporter `rig run` would pick for this stdout (the live
 * tree on a terminal, plain lines on a pipe), colored as `rig run` decides (useColor). argv[2]: 'loop' | 'real'.
 */
import { secret } from '../../../src/core/secret.ts';
import { ListrReporter, PlainReporter, useColor } from '../../../src/reporters/index.ts';
import { loopRun, realRun, SECRET } from './fixture-run.ts';

secret(SECRET);
const opts = { out: process.stdout, verbosity: 0, diff: true, color: useColor(process.stdout) };
const reporter = process.stdout.isTTY ? new ListrReporter(opts) : new PlainReporter(opts);
const fixture = process.argv[2] === 'real' ? realRun : loopRun;
await reporter.onRunEnd(fixture(reporter));
