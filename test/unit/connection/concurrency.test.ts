/** createLimiter: the one limiter of handshakes, channels, forks and serial. */
import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../../src/connection/concurrency.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('createLimiter', () => {
  it('never runs more than n jobs at once, and starts them in order', async () => {
    const limit = createLimiter(2);
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        limit(async () => {
          active += 1;
          peak = Math.max(peak, active);
          order.push(i);
          await tick(5);
          active -= 1;
          return i * 10;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(results).toEqual([0, 10, 20, 30, 40, 50, 60]);
  });

  it('holds the slot across the job\'s awaits, and frees it when the job rejects', async () => {
    const limit = createLimiter(1);
    const log: string[] = [];
    const failing = limit(async () => {
      log.push('a start');
      await tick(5);
      log.push('a end');
      throw new Error('a failed');
    });
    const next = limit(async () => {
      log.push('b start');
      return 'b';
    });
    await expect(failing).rejects.toThrow('a failed');
    await expect(next).resolves.toBe('b');
    expect(log).toEqual(['a start', 'a end', 'b start']);
  });

  it('takes Infinity (no task serial) and refuses 0', async () => {
    const limit = createLimiter(Number.POSITIVE_INFINITY);
    let active = 0;
    let peak = 0;
    await Promise.all(Array.from({ length: 20 }, () => limit(async () => ((active += 1), (peak = Math.max(peak, active)), await tick(2), (active -= 1)))));
    expect(peak).toBe(20);
    expect(() => createLimiter(0)).toThrow(TypeError);
  });
});
