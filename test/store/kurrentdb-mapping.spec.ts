import { ANY, NO_STREAM, START, STREAM_EXISTS, UnavailableError, WrongExpectedVersionError } from '@kurrent/kurrentdb-client';
import { createHash, randomUUID } from 'node:crypto';
import { IdempotencyKeyTaken, StreamAppend, WrongExpectedRevision } from '../../src/store/event-store.port';
import {
  IDEMPOTENCY_STREAM_PREFIX,
  KurrentRecord,
  LEDGER_STREAMS_REGEX,
  METADATA_KEY,
  SCHEMA_VERSION_KEY,
  claimData,
  decodeMetadata,
  encodeMetadata,
  fromStreamState,
  idempotencyStream,
  isLedgerRecord,
  mapAppendError,
  parseClaimData,
  positionToNumber,
  toActual,
  toEventData,
  toReadPosition,
  toRecordedEvent,
  toStreamState,
} from '../../src/store/kurrentdb/kurrentdb-event-store';
import { testEvent } from '../support/events';

/** The pure parts of the KurrentDB adapter; the adapter itself is covered by the contract suite against a server. */
describe('KurrentDB adapter mapping', () => {
  describe('expected revision → stream state', () => {
    it('maps a revision to a bigint and the named states to the client constants', () => {
      expect(toStreamState(0)).toBe(0n);
      expect(toStreamState(41)).toBe(41n);
      expect(toStreamState('no_stream')).toBe(NO_STREAM);
      expect(toStreamState('any')).toBe(ANY);
      expect(toStreamState('stream_exists')).toBe(STREAM_EXISTS);
    });

    it('maps back, including the negative codes the server reports', () => {
      for (const e of [0, 7, 'no_stream', 'any', 'stream_exists'] as const) expect(fromStreamState(toStreamState(e))).toBe(e);
      expect(fromStreamState(-1n)).toBe('no_stream');
      expect(fromStreamState(-2n)).toBe('any');
      expect(fromStreamState(-4n)).toBe('stream_exists');
    });

    it('reads an actual state: a revision, or no stream for "no_stream" and negative revisions', () => {
      expect(toActual(3n)).toBe(3);
      expect(toActual('no_stream')).toBe('no_stream');
      expect(toActual(-1n)).toBe('no_stream');
    });
  });

  describe('global positions', () => {
    it('converts a commit position exactly, up to Number.MAX_SAFE_INTEGER', () => {
      expect(positionToNumber(0n)).toBe(0);
      expect(positionToNumber(1_234_567_890_123n)).toBe(1_234_567_890_123);
      expect(positionToNumber(BigInt(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    });

    it('refuses a position it cannot represent exactly, rather than rounding it', () => {
      expect(() => positionToNumber(BigInt(Number.MAX_SAFE_INTEGER) + 1n)).toThrow(/MAX_SAFE_INTEGER/);
      expect(() => positionToNumber(-1n)).toThrow(RangeError);
    });

    it('reads $all from the start for 0, else from the event at the position', () => {
      expect(toReadPosition(0)).toBe(START);
      expect(toReadPosition(4096)).toEqual({ commit: 4096n, prepare: 4096n });
      expect(() => toReadPosition(-1)).toThrow(RangeError);
      expect(() => toReadPosition(1.5)).toThrow(RangeError);
    });
  });

  describe('metadata', () => {
    it('round-trips our metadata and the schema version through the KurrentDB metadata', () => {
      const e = { ...testEvent('PlanAssigned', { amount: '1550440000.25' }, randomUUID()), version: 3 };
      const stored = encodeMetadata(e);
      expect(decodeMetadata(stored, 'test')).toEqual({ version: 3, metadata: e.metadata });
    });

    it('stores only string values, as the multi-stream append requires', () => {
      const stored = encodeMetadata(testEvent());
      expect(Object.keys(stored).sort()).toEqual([METADATA_KEY, SCHEMA_VERSION_KEY].sort());
      expect(Object.values(stored).every((v) => typeof v === 'string')).toBe(true);
    });

    it('ignores the properties the server adds to events of multi-stream appends', () => {
      const e = testEvent();
      const read = { ...encodeMetadata(e), '$schema.name': e.type, '$schema.format': 'Json' };
      expect(decodeMetadata(read, 'test').metadata).toEqual(e.metadata);
    });

    it('refuses an event that was not written by the ledger', () => {
      expect(() => decodeMetadata(undefined, 'event x')).toThrow(/event x has no ledger metadata/);
      expect(() => decodeMetadata({ [METADATA_KEY]: '{}' }, 'event x')).toThrow(/no ledger metadata/);
      expect(() => decodeMetadata(new Uint8Array([1, 2]), 'event x')).toThrow(/no ledger metadata/);
      const badVersion = { [METADATA_KEY]: '{}', [SCHEMA_VERSION_KEY]: 'one' };
      expect(() => decodeMetadata(badVersion, 'event x')).toThrow(/no ledger metadata/);
    });

    it('uses metadata.eventId as the KurrentDB event id', () => {
      const e = testEvent('TestHappened', { n: 1 }, randomUUID());
      const data = toEventData(e);
      expect(data).toMatchObject({
        id: e.metadata.eventId,
        type: 'TestHappened',
        contentType: 'application/json',
        data: { n: 1 },
      });
      expect(data.metadata).toEqual(encodeMetadata(e));
    });
  });

  describe('recorded events', () => {
    const e = testEvent('FundsAllocated', { amount: '12.50', nested: { list: ['a', 'đồng'] } }, randomUUID());
    const record: KurrentRecord = {
      streamId: 'fundline-x',
      id: e.metadata.eventId,
      type: e.type,
      revision: 4n,
      isJson: true,
      data: e.data,
      metadata: { ...encodeMetadata(e), '$schema.name': e.type },
      position: { commit: 10_240n, prepare: 10_240n },
    };

    it('maps a KurrentDB event to exactly the event that was appended, placed in its stream and the log', () => {
      expect(toRecordedEvent(record)).toEqual({
        stream: 'fundline-x',
        revision: 4,
        position: 10_240,
        type: 'FundsAllocated',
        version: 1,
        data: e.data,
        metadata: e.metadata,
      });
    });

    it('refuses a binary event and an event without a position', () => {
      expect(() => toRecordedEvent({ ...record, isJson: false })).toThrow(/not JSON/);
      expect(() => toRecordedEvent({ ...record, position: undefined })).toThrow(/without a position/);
    });

    it('tells ledger events from system events and idempotency claims', () => {
      expect(isLedgerRecord({ streamId: 'fundline-x', type: 'FundsAllocated' })).toBe(true);
      expect(isLedgerRecord({ streamId: '$settings', type: 'update' })).toBe(false);
      expect(isLedgerRecord({ streamId: '$$fundline-x', type: '$metadata' })).toBe(false);
      expect(isLedgerRecord({ streamId: 'fundline-x', type: '$>' })).toBe(false);
      expect(isLedgerRecord({ streamId: idempotencyStream('k'), type: 'IdempotencyKeyClaimed' })).toBe(false);
    });

    it('filters the same streams on the server (the regex is plain enough to mean the same in .NET)', () => {
      const regex = new RegExp(LEDGER_STREAMS_REGEX);
      expect(regex.test('fundline-GNBV-2021-2025:DA5:2024:2024:NSTW:SN:183')).toBe(true);
      expect(regex.test('activity-1')).toBe(true);
      expect(regex.test('$settings')).toBe(false);
      expect(regex.test('$$activity-1')).toBe(false);
      expect(regex.test(idempotencyStream('k'))).toBe(false);
    });
  });

  describe('idempotency claims', () => {
    it('names the claim stream by the sha256 of the key', () => {
      const key = 'Idempotency-Key: đồng/1';
      expect(idempotencyStream(key)).toBe(IDEMPOTENCY_STREAM_PREFIX + createHash('sha256').update(key, 'utf8').digest('hex'));
      expect(idempotencyStream(key)).not.toBe(idempotencyStream(`${key} `));
    });

    it('records each event with the revision its expected revision gives it, or null when it gives none', () => {
      const [a, b, c, d] = [testEvent(), testEvent(), testEvent(), testEvent()];
      const appends: StreamAppend[] = [
        { stream: 'line-a', expectedRevision: 4, events: [a, b] },
        { stream: 'line-b', expectedRevision: 'no_stream', events: [c] },
        { stream: 'line-c', expectedRevision: 'any', events: [d] },
      ];
      const data = claimData({ key: 'k', fingerprint: 'f' }, appends);
      expect(data).toEqual({
        key: 'k',
        fingerprint: 'f',
        events: [
          { eventId: a.metadata.eventId, stream: 'line-a', revision: 5 },
          { eventId: b.metadata.eventId, stream: 'line-a', revision: 6 },
          { eventId: c.metadata.eventId, stream: 'line-b', revision: 0 },
          { eventId: d.metadata.eventId, stream: 'line-c', revision: null },
        ],
      });
      expect(parseClaimData(JSON.parse(JSON.stringify(data)), 'k')).toEqual(data);
    });

    it('refuses a malformed claim or the claim of another key', () => {
      const data = { key: 'k', fingerprint: 'f', events: [{ eventId: 'e', stream: 's', revision: 0 }] };
      expect(() => parseClaimData(data, 'other')).toThrow(/malformed/);
      expect(() => parseClaimData({ ...data, events: [] }, 'k')).toThrow(/malformed/);
      const negative = { ...data, events: [{ eventId: 'e', stream: 's', revision: -1 }] };
      expect(() => parseClaimData(negative, 'k')).toThrow(/malformed/);
      expect(() => parseClaimData('garbage', 'k')).toThrow(/malformed/);
    });
  });

  describe('append errors', () => {
    const appends: StreamAppend[] = [
      { stream: 'line-a', expectedRevision: 0, events: [testEvent()] },
      { stream: 'line-b', expectedRevision: 'no_stream', events: [testEvent()] },
    ];
    const claim = { key: 'key-1', fingerprint: 'f' };

    it('maps a conflict on a domain stream to WrongExpectedRevision with the expected and actual revisions', () => {
      const error = new WrongExpectedVersionError(undefined, { streamName: 'line-a', expected: 0n, current: 2n });
      const mapped = mapAppendError(error, appends, claim);
      expect(mapped).toBeInstanceOf(WrongExpectedRevision);
      expect(mapped).toMatchObject({ stream: 'line-a', expected: 0, actual: 2 });
    });

    it('maps the conflict of a multi-stream append (server revision codes) the same way', () => {
      const conflict = (stream: string, expectedRevision: string, actualRevision: string) =>
        WrongExpectedVersionError.fromRevisionConflict({ stream, expectedRevision, actualRevision });
      const error = conflict('line-b', '-1', '0');
      expect(mapAppendError(error, appends)).toMatchObject({ stream: 'line-b', expected: 'no_stream', actual: 0 });
      const missing = conflict('line-a', '0', '-1');
      expect(mapAppendError(missing, appends)).toMatchObject({ stream: 'line-a', expected: 0, actual: 'no_stream' });
    });

    it('maps a conflict on the claim stream to IdempotencyKeyTaken', () => {
      const error = WrongExpectedVersionError.fromRevisionConflict({
        stream: idempotencyStream(claim.key),
        expectedRevision: '-1',
        actualRevision: '0',
      });
      const mapped = mapAppendError(error, appends, claim);
      expect(mapped).toBeInstanceOf(IdempotencyKeyTaken);
      expect((mapped as IdempotencyKeyTaken).key).toBe('key-1');
    });

    it('keeps the server’s account of a stream it cannot match to the append', () => {
      const error = new WrongExpectedVersionError(undefined, {
        streamName: 'elsewhere',
        expected: 'stream_exists',
        current: 'no_stream',
      });
      expect(mapAppendError(error, appends)).toMatchObject({
        stream: 'elsewhere',
        expected: 'stream_exists',
        actual: 'no_stream',
      });
    });

    it('leaves other errors alone', () => {
      const unavailable = new UnavailableError();
      expect(mapAppendError(unavailable, appends, claim)).toBe(unavailable);
      const plain = new Error('boom');
      expect(mapAppendError(plain, appends)).toBe(plain);
    });
  });
});
