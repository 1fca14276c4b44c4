import type { EventToAppend } from '../../events';

let counter = 0;

/** A minimal well-formed event for store-level tests: fixed ids derived from a counter, no randomness. */
export function testEvent(type = 'TestHappened', data: Record<string, unknown> = {}, eventId?: string): EventToAppend {
  counter += 1;
  const id = eventId ?? `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  return {
    type,
    version: 1,
    data,
    metadata: {
      eventId: id,
      actor: { id: 'tester', role: 'system' },
      recordedAt: '2024-07-01T00:00:00.000Z',
      effectiveDate: '2024-07-01',
      legalBasis: { kind: 'document', title: 'contract test', date: '2024-07-01' },
      correlationId: id,
      causationId: id,
      command: 'Test',
    },
  };
}

/** A unique stream name per call, so contract tests can share one store (KurrentDB is never emptied). */
export function uniqueStream(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}
