/** Time is injected everywhere so tests can run on a simulated clock. */
export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to: for tests and simulations. */
export class SimulatedClock implements Clock {
  private current: number;
  constructor(start: number | Date = Date.UTC(2026, 10, 23, 9, 0, 0)) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(time: number | Date): void {
    this.current = typeof time === 'number' ? time : time.getTime();
  }
}
