import { SimulatedClock } from '../../core/ports/clock.js';

describe('SimulatedClock', () => {
  it('moves only when told to', () => {
    const clock = new SimulatedClock(1000);
    expect(clock.now()).toBe(1000);
    clock.advance(500);
    expect(clock.now()).toBe(1500);
  });
});
