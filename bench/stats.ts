/**
 * Pure arithmetic of `npm run bench`: medians of rounds, ratios, and the least-squares line through the memory
 * samples of the soak with the verdict whether it is flat within noise. Tested in stats.spec.ts.
 */

/** The median (the mean of the two middle values for an even count). Throws on an empty list or a non-number. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  if (values.some((v) => !Number.isFinite(v))) throw new Error(`median of a non-number: ${values.join(', ')}`);
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `value / baseline` to three significant digits (a ratio of 0.000238 keeps its digits); null when either is missing. */
export function ratio(value: number | null | undefined, baseline: number | null | undefined): number | null {
  if (value == null || baseline == null || !(baseline > 0) || !Number.isFinite(value)) return null;
  return Number((value / baseline).toPrecision(3));
}

export interface Line {
  /** Change of y per unit of x. */
  slope: number;
  intercept: number;
  /** Standard error of the slope, from the spread of the samples around the line (NaN below three samples). */
  slopeStdError: number;
  /** Standard deviation of the residuals (the samples' own noise around the line). */
  residualStdDev: number;
  n: number;
}

/** Ordinary least squares of y on x. */
export function leastSquares(points: ReadonlyArray<{ x: number; y: number }>): Line {
  const n = points.length;
  if (n < 2) throw new Error(`a line needs two points, got ${n}`);
  const meanX = points.reduce((s, p) => s + p.x, 0) / n;
  const meanY = points.reduce((s, p) => s + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - meanX) ** 2;
    sxy += (p.x - meanX) * (p.y - meanY);
  }
  if (sxx === 0) throw new Error('all samples at the same x');
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  const squares = points.reduce((s, p) => s + (p.y - (intercept + slope * p.x)) ** 2, 0);
  const variance = n > 2 ? squares / (n - 2) : NaN;
  return { slope, intercept, slopeStdError: Math.sqrt(variance / sxx), residualStdDev: Math.sqrt(variance), n };
}

export interface MemoryTrend {
  /** MiB per minute (least squares over the samples after the warm-up). */
  slopeMiBPerMin: number;
  /** Two standard errors of the slope: the slope is indistinguishable from zero when |slope| is within it. */
  noiseMiBPerMin: number;
  /** Spread of the samples around the line, MiB. */
  residualStdDevMiB: number;
  samplesUsed: number;
  warmupSeconds: number;
  verdict: 'flat' | 'growing' | 'shrinking' | 'too few samples';
}

/**
 * The RSS trend of a soak. Samples are `{ seconds, mib }`; the ones in the first `warmupSeconds` are left out (JIT,
 * pools and caches fill up there, which is not a leak). "Flat within noise" means the slope lies within two standard
 * errors of zero, the standard error coming from how far the samples scatter around the fitted line: with the
 * samples' own spread, a straight line through them cannot be told apart from a horizontal one at about 95 %.
 * Below four samples after the warm-up there is no verdict.
 */
export function memoryTrend(samples: ReadonlyArray<{ seconds: number; mib: number }>, warmupSeconds: number): MemoryTrend {
  const used = samples.filter((s) => s.seconds >= warmupSeconds);
  if (used.length < 4) {
    return { slopeMiBPerMin: NaN, noiseMiBPerMin: NaN, residualStdDevMiB: NaN, samplesUsed: used.length, warmupSeconds, verdict: 'too few samples' };
  }
  const line = leastSquares(used.map((s) => ({ x: s.seconds / 60, y: s.mib })));
  const noise = 2 * line.slopeStdError;
  const verdict = Math.abs(line.slope) <= noise ? 'flat' : line.slope > 0 ? 'growing' : 'shrinking';
  return {
    slopeMiBPerMin: round(line.slope, 3),
    noiseMiBPerMin: round(noise, 3),
    residualStdDevMiB: round(line.residualStdDev, 2),
    samplesUsed: used.length,
    warmupSeconds,
    verdict,
  };
}

export function round(value: number, digits: number): number {
  return Number.isFinite(value) ? Number(value.toFixed(digits)) : value;
}
