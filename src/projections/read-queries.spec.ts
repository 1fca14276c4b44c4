import { JsonAnswer, takeRelease } from './read-queries';

describe('JsonAnswer', () => {
  const stale = { position: 41, failing: { eventId: 'e-1', message: 'cannot fold "x"' } };

  it.each([
    ['an answer with keys', { position: 7, rows: [{ amount: '1.50', note: 'a "quoted" đồng' }], total: null }],
    ['an empty object', {}],
    ['an answer whose last value is an object', { position: 3, page: { size: 50, next: { after: 'x}' } } }],
  ])('writes one more key last, as JSON.stringify writes { ...answer, key } (%s)', (_, answer) => {
    const text = JsonAnswer.of(answer).withKey('stale', stale).text;
    expect(text).toBe(JSON.stringify({ ...answer, stale }));
    expect(JSON.parse(text)).toEqual({ ...answer, stale });
  });

  it('writes it as well on an answer that came as UTF-8 bytes from a reader thread', () => {
    const answer = { position: 9, rows: [{ unit: 'Huyện Văn Quan', amount: '1500000.5' }] };
    const bytes = new JsonAnswer(Buffer.from(JSON.stringify(answer), 'utf8'));
    expect(bytes.text).toBe(JSON.stringify(answer));
    expect(bytes.withKey('stale', stale).body).toBe(JSON.stringify({ ...answer, stale }));
  });

  it('gives back the send buffer of bytes from a reader thread once, when they are written again with another key', () => {
    const answer = { position: 9, rows: [] };
    const release = jest.fn();
    const inBuffer = new JsonAnswer(Buffer.from(JSON.stringify(answer), 'utf8'), release);
    const marked = inBuffer.withKey('stale', stale);
    expect(release).toHaveBeenCalledTimes(1);
    expect(marked.body).toBe(JSON.stringify({ ...answer, stale }));
    // Its bytes no longer name a release: sending them gives nothing back twice.
    expect(takeRelease(inBuffer.body as Buffer)).toBeUndefined();
    const sent = new JsonAnswer(Buffer.from('{}'), release);
    takeRelease(sent.body as Buffer)?.();
    expect(takeRelease(sent.body as Buffer)).toBeUndefined();
    expect(release).toHaveBeenCalledTimes(2);
  });

  it('refuses another key on what is not an object', () => {
    expect(() => JsonAnswer.of([1, 2]).withKey('stale', stale)).toThrow(/only an object's JSON takes another key, not \[1,2\]/);
  });
});
