import { leastSquares, median, memoryTrend, ratio } from './stats.js';

describe('median', () => {
  it('takes the middle of an odd count, whatever the order', () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([5])).toBe(5);
    expect(median([401, 8535, 213])).toBe(401);
  });

  it('takes the mean of the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('does not reorder the caller’s array', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('refuses an empty list and non-numbers', () => {
    expect(() => median([])).toThrow('median of nothing');
    expect(() => median([1, NaN, 2])).toThrow('non-number');
  });
});

describe('ratio', () => {
  it('keeps three significant digits', () => {
    expect(ratio(401, 8535)).toBe(0.047);
    expect(ratio(17, 71_428)).toBe(0.000238);
  });

  it('is null without a baseline', () => {
    expect(ratio(5, null)).toBeNull();
    expect(ratio(5, 0)).toBeNull();
    expect(ratio(null, 5)).toBeNull();
  });
});

describe('leastSquares', () => {
  it('finds the line through exact points', () => {
    const line = leastSquares([0, 1, 2, 3].map((x) => ({ x, y: 2 * x + 1 })));
    expect(line.slope).toBeCloseTo(2, 10);
    expect(line.intercept).toBeCloseTo(1, 10);
    expect(line.slopeStdError).toBeCloseTo(0, 10);
  });

  it('gives the textbook slope and standard error for scattered points', () => {
    // x 1..5, y 2,4,5,4,5: slope 0.6, intercept 2.2, residual sum of squares 2.4, se = sqrt(2.4/3/10)
    const line = leastSquares([2, 4, 5, 4, 5].map((y, i) => ({ x: i + 1, y })));
    expect(line.slope).toBeCloseTo(0.6, 10);
    expect(line.intercept).toBeCloseTo(2.2, 10);
    expect(line.slopeStdError).toBeCloseTo(Math.sqrt(0.08), 10);
  });

  it('refuses fewer than two points or a vertical line', () => {
    expect(() => leastSquares([{ x: 1, y: 1 }])).toThrow('two points');
    expect(() => leastSquares([{ x: 1, y: 1 }, { x: 1, y: 2 }])).toThrow('same x');
  });
});

describe('memoryTrend', () => {
  const every10s = (mib: (i: number) => number, n: number) => Array.from({ length: n }, (_, i) => ({ seconds: i * 10, mib: mib(i) }));

  it('reports MiB per minute and calls a steady climb growing', () => {
    // +1 MiB every 10 s = 6 MiB/min, with a little alternating noise
    const trend = memoryTrend(every10s((i) => 500 + i + (i % 2 ? 0.2 : -0.2), 61), 60);
    expect(trend.slopeMiBPerMin).toBeCloseTo(6, 1);
    expect(trend.verdict).toBe('growing');
    expect(trend.samplesUsed).toBe(55);
  });

  it('calls noise around a level flat, even when the last sample happens to be higher', () => {
    const noise = [3, -2, 1, -4, 2, 0, -1, 4, -3, 1, 2, -2];
    const trend = memoryTrend(every10s((i) => 600 + noise[i % noise.length], 60), 0);
    expect(trend.verdict).toBe('flat');
    expect(Math.abs(trend.slopeMiBPerMin)).toBeLessThanOrEqual(trend.noiseMiBPerMin);
  });

  it('leaves out the warm-up (a jump in the first minute is no leak)', () => {
    const trend = memoryTrend(every10s((i) => (i < 6 ? 300 + 50 * i : 600 + (i % 2)), 40), 60);
    expect(trend.verdict).toBe('flat');
  });

  it('gives no verdict on too few samples', () => {
    expect(memoryTrend(every10s(() => 1, 3), 0).verdict).toBe('too few samples');
  });
});
