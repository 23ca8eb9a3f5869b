/** How a reminder claim shares its limit between tenants (adapters/store/store-shared.ts): water-filling. */
import { topUpShares } from '../../adapters/store/store-shared.js';

describe('topUpShares', () => {
  it('splits evenly when nothing is in flight, the remainder to the first', () => {
    expect(topUpShares([0, 0, 0], 10)).toEqual([4, 3, 3]);
  });

  it('tops up the emptiest tenants to one level and gives nothing to those above it', () => {
    expect(topUpShares([0, 10, 30], 20)).toEqual([15, 5, 0]);
    expect(topUpShares([3, 100, 5], 50)).toEqual([26, 0, 24]);
  });

  it('never gives more than the limit in all, nor a negative share', () => {
    for (const [inFlight, limit] of [
      [[40, 36, 35], 17],
      [[7], 0],
      [[1, 2, 3, 4, 5], 3],
    ] as const) {
      const shares = topUpShares(inFlight, limit);
      expect(shares.reduce((a, b) => a + b, 0)).toBe(limit);
      expect(shares.every((n) => n >= 0)).toBe(true);
    }
    expect(topUpShares([], 5)).toEqual([]);
  });
});
