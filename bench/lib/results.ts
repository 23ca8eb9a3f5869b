/** Where and how benchmarks record their figures: bench/results/<name>.json, with the machine they ran on. */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../results');

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** 1-minute load average when the result was written: figures from a busy machine are noise. */
  readonly loadAverage1m: number;
}

export function machineInfo(): MachineInfo {
  const all = cpus();
  return {
    cpu: all[0]?.model.trim() ?? 'unknown',
    cores: all.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}

/** Writes `result` (plus benchmark name, date and machine) and returns the file's path. */
export async function writeResult(name: string, result: Record<string, unknown>): Promise<string> {
  const file = resolve(RESULTS_DIR, `${name}.json`);
  await mkdir(RESULTS_DIR, { recursive: true });
  const body = { benchmark: name, date: new Date().toISOString(), machine: machineInfo(), ...result };
  await writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}
