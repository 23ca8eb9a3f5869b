/** Percentiles and summaries shared by the benchmarks. */

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no samples');
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Three decimals: microsecond resolution is all a loopback timing can claim. */
export const roundMs = (ms: number): number => Math.round(ms * 1000) / 1000;

export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, x) => sum + x, 0) / sorted.length;
  return {
    n: sorted.length,
    p50: roundMs(percentile(sorted, 50)),
    p99: roundMs(percentile(sorted, 99)),
    mean: roundMs(mean),
    max: roundMs(sorted[sorted.length - 1]!),
  };
}

/** a / b to two decimals. */
export const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
