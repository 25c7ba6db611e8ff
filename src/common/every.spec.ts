import { every } from './every.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('every', () => {
  it('runs the task repeatedly, reports a failed run and goes on, and stops when told', async () => {
    let runs = 0;
    const errors: string[] = [];
    const stop = every(
      5,
      async () => {
        runs += 1;
        if (runs === 1) throw new Error('erster Lauf fehlgeschlagen');
      },
      (error) => errors.push(error.message),
    );
    while (runs < 3) await tick(5);
    stop();
    const stoppedAt = runs;
    await tick(40);
    expect(errors).toEqual(['erster Lauf fehlgeschlagen']);
    expect(runs).toBe(stoppedAt);
  });
});
