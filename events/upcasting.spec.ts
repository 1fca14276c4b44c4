import type { RecordedEvent } from './metadata';
import { Upcasters } from './upcasting';

/** A type whose amount became a decimal string (v2), then gained a currency (v3). */
const AMOUNT_STEPS = [
  { type: 'Paid', from: 1, up: (d: unknown) => ({ amount: String((d as { amount: number }).amount) }) },
  { type: 'Paid', from: 2, up: (d: unknown) => ({ ...(d as object), currency: 'VND' }) },
];

function stored(type: string, version: number, data: unknown): RecordedEvent {
  return {
    type,
    version,
    data,
    stream: 's-1',
    revision: 0,
    position: 7,
    metadata: {
      eventId: 'e-1',
      actor: { id: 'a', role: 'officer' },
      recordedAt: '2024-07-01T00:00:00.000Z',
      effectiveDate: '2024-07-01',
      legalBasis: { kind: 'document', title: 't', date: '2024-07-01' },
      correlationId: 'c',
      causationId: 'c',
      command: 'Test',
    },
  };
}

describe('upcasters', () => {
  const upcasters = new Upcasters({ Paid: 3, Registered: 1 }, AMOUNT_STEPS);

  describe('when an event was stored at an older version', () => {
    it('chains the steps up to the current version, keeping everything but version and data', () => {
      const old = stored('Paid', 1, { amount: 1500 });
      const read = upcasters.upcast(old);
      expect(read).toEqual({ ...old, version: 3, data: { amount: '1500', currency: 'VND' } });
      expect(old.data).toEqual({ amount: 1500 });
      expect(upcasters.upcast(stored('Paid', 2, { amount: '7' })).data).toEqual({ amount: '7', currency: 'VND' });
    });
  });

  it('hands back an event at its current version, and one of a type it does not know, unchanged', () => {
    const current = stored('Paid', 3, { amount: '1', currency: 'VND' });
    expect(upcasters.upcast(current)).toBe(current);
    const other = stored('TestHappened', 1, {});
    expect(upcasters.upcast(other)).toBe(other);
  });

  it('refuses an event written by a newer ledger, naming it', () => {
    expect(() => upcasters.upcast(stored('Paid', 4, {}))).toThrow('event e-1 (Paid, position 7) is stored at version 4; this ledger reads Paid at versions 1 to 3: it was written by a newer ledger');
  });

  describe('a registry that would leave a version unreadable', () => {
    it('is refused when a step is missing', () => {
      expect(() => new Upcasters({ Paid: 3 }, [AMOUNT_STEPS[1]])).toThrow('Paid is at version 3 but has no upcaster from version 1');
    });

    it('is refused when a step goes past the current version or repeats', () => {
      expect(() => new Upcasters({ Paid: 2 }, AMOUNT_STEPS)).toThrow('upcaster for Paid from version 2: the current version is 2, so steps go from 1 to 1');
      expect(() => new Upcasters({ Paid: 2 }, [AMOUNT_STEPS[0], AMOUNT_STEPS[0]])).toThrow('two upcasters for Paid from version 1');
      expect(() => new Upcasters({}, [AMOUNT_STEPS[0]])).toThrow('upcaster for Paid: no current version is declared for that type');
    });
  });
});
