import { newEventId } from './event-id';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The milliseconds a version-7 id carries in its first 48 bits. */
const timeOf = (id: string): number => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe('newEventId', () => {
  it('is a UUID of version 7 and variant 10 (RFC 9562), carrying the time it was made', () => {
    const before = Date.now();
    const id = newEventId();
    const after = Date.now();
    expect(id).toMatch(UUID_V7);
    const time = timeOf(id);
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(after);
  });

  it('puts the milliseconds first, big-endian: the RFC 9562 example time 0x017F22E279B0', () => {
    const id = newEventId(0x017f22e279b0);
    expect(id.slice(0, 13)).toBe('017f22e2-79b0');
    expect(timeOf(id)).toBe(0x017f22e279b0);
  });

  it('sorts as text in the order of the times it carries', () => {
    const times = [1_700_000_000_000, 1_700_000_000_001, 1_700_000_000_255, 1_700_000_000_256, 1_800_000_000_000, 2 ** 47];
    const ids = times.map((t) => newEventId(t));
    expect([...ids].sort()).toEqual(ids);
  });

  it('is unique within one millisecond: 74 random bits', () => {
    const ids = new Set(Array.from({ length: 100_000 }, () => newEventId(1_700_000_000_000)));
    expect(ids.size).toBe(100_000);
  });
});
