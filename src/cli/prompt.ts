/** Ask for a secret on the terminal without echo. */
import { ValidationError } from '../core/index.ts';

/** Read a line from the TTY with echo off; refuses when there is no TTY (CI), naming `envVar` as the way out. */
export async function askSecret(question: string, envVar = 'RIG_BECOME_PASSWORD'): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new ValidationError({ message: `${question.trim()} needs a terminal`, hint: `set ${envVar} instead when running without a TTY` });
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve) => {
    let buf = '';
    const onData = (d: Buffer) => {
      for (const ch of d.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          return resolve(buf);
        }
        if (ch === '\u0003') process.exit(130);
        buf = ch === '\u007f' ? buf.slice(0, -1) : buf + ch;
      }
    };
    stdin.on('data', onData);
  });
}
