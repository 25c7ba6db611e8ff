import { performance } from 'node:perf_hooks';
import { stall } from '../../test/support/stall.js';
import { loopAwareTimeout } from './loop-aware-timeout.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('loopAwareTimeout', () => {
  it('expires once its time has passed on a free loop, never before', async () => {
    const started = performance.now();
    await new Promise<void>((resolve) => loopAwareTimeout(120, resolve));
    expect(performance.now() - started).toBeGreaterThanOrEqual(120);
  });

  it('does not count a stall longer than itself: the I/O that waited behind it is read first', async () => {
    let expired = false;
    const done = new Promise<void>((resolve) =>
      loopAwareTimeout(1000, () => {
        expired = true;
        resolve();
      }),
    );
    stall(1500);
    // a plain setTimeout(1000) would have fired in this turn's timers phase, before the I/O of the poll phase
    await nextTurn();
    await nextTurn();
    expect(expired).toBe(false);
    const afterStall = performance.now();
    await done;
    expect(expired).toBe(true);
    // at most two ticks (200 ms) of the stall were counted, so at least 800 ms of free loop time followed it
    expect(performance.now() - afterStall).toBeGreaterThanOrEqual(750);
  });

  it('is cancelled by the function it returns', async () => {
    let expired = false;
    const cancel = loopAwareTimeout(50, () => (expired = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    cancel();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(expired).toBe(false);
  });
});
