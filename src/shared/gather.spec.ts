import { LOAD_FACTOR, gatherDelay } from './gather';

describe('gatherDelay: how long live events are gathered before the next batch', () => {
  it('is the minimum while batches apply quickly (a lone command is folded within it)', () => {
    expect(gatherDelay(0, 20, 250)).toBe(20);
    expect(gatherDelay(3, 20, 250)).toBe(20);
  });

  it(`grows with the last batch's apply time under load (${LOAD_FACTOR} × it), so batches grow instead of the thread's share of a core`, () => {
    expect(gatherDelay(10, 20, 250)).toBe(10 * LOAD_FACTOR);
    expect(gatherDelay(40, 20, 250)).toBe(40 * LOAD_FACTOR);
  });

  it('never exceeds the maximum: the read models stay within it of the log however slow a batch was', () => {
    expect(gatherDelay(100, 20, 250)).toBe(250);
    expect(gatherDelay(10_000, 20, 250)).toBe(250);
  });
});
