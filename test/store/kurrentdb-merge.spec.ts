import { mergeRepeatedStreams } from '../../src/store/kurrentdb/kurrentdb-event-store';
import { testEvent } from '../support/events';

describe('KurrentDB adapter: a stream appearing more than once in one append', () => {
  it('merges consecutive entries of a stream whose revisions chain', () => {
    const [a, b, c] = [testEvent(), testEvent(), testEvent()];
    expect(
      mergeRepeatedStreams([
        { stream: 'x', expectedRevision: 'no_stream', events: [a] },
        { stream: 'x', expectedRevision: 0, events: [b] },
        { stream: 'y', expectedRevision: 4, events: [c] },
      ]),
    ).toEqual([
      { stream: 'x', expectedRevision: 'no_stream', events: [a, b] },
      { stream: 'y', expectedRevision: 4, events: [c] },
    ]);
  });

  it('refuses consecutive entries whose revisions do not chain', () => {
    expect(() =>
      mergeRepeatedStreams([
        { stream: 'x', expectedRevision: 3, events: [testEvent(), testEvent()] },
        { stream: 'x', expectedRevision: 4, events: [testEvent()] },
      ]),
    ).toThrow(/does not follow the 2 event\(s\) of its previous entry/);
  });

  it('refuses a stream that comes back after another: one atomic append writes each stream once', () => {
    expect(() =>
      mergeRepeatedStreams([
        { stream: 'x', expectedRevision: 'no_stream', events: [testEvent()] },
        { stream: 'y', expectedRevision: 'no_stream', events: [testEvent()] },
        { stream: 'x', expectedRevision: 0, events: [testEvent()] },
      ]),
    ).toThrow(/appears again after other streams/);
  });
});
