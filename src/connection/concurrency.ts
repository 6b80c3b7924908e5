/** The one concurrency limiter (p-limit): SSH handshakes, channels per connection, forks and task serial. */
import pLimit from 'p-limit';

/** `limit(fn)` runs fn once fewer than `n` started jobs are still running (FIFO), resolving or rejecting as fn does;
 *  the slot is held from fn's start until its promise settles. `n`: a positive integer or Infinity. */
export type Limiter = <T>(fn: () => Promise<T>) => Promise<T>;

/** A limiter of `n` concurrent jobs. @throws TypeError for n < 1 (a programmer error: forks/serial are validated). */
export function createLimiter(n: number): Limiter {
  const limit = pLimit(n);
  return (fn) => limit(fn);
}
