import { report } from './run-driver.js';

/** One line of figures per check, with its goal, in build/security/<check>.json (the suite's common format). */
export function recordFigures(check: string, figures: Record<string, number | string>, goal: string): void {
  report(check.replace(/\s+/g, '-'), { ...figures, goal });
}
