import { formatDuration, progress, progressText } from './progress';

/** A stream that records what is written, and a clock moved by hand. */
function harness(isTTY: boolean) {
  const written: string[] = [];
  let t = 1_000_000;
  return {
    stream: { isTTY, write: (s: string) => written.push(s) },
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    written,
  };
}

describe('progress of long work', () => {
  it('gives done / total, the share, the rate and the time left from the rate so far', () => {
    expect(progressText(2_500_000, 10_000_000, 'events', 50_000)).toBe('2,500,000/10,000,000 events (25.0 %), 50,000/s, ETA 2m30s');
    expect(progressText(10_000_000, 10_000_000, 'events', 200_000)).toBe('10,000,000/10,000,000 events (100.0 %), 50,000/s, took 3m20s');
    expect(progressText(1_200, undefined, 'entries', 4_000)).toBe('1,200 entries, 300/s, 4s so far');
    expect(progressText(0, 100, 'events', 0)).toBe('0/100 events (0.0 %), ETA unknown');
  });

  it('writes durations in hours and minutes, minutes and seconds, or seconds', () => {
    expect(formatDuration(3_725_000)).toBe('1h02m');
    expect(formatDuration(185_000)).toBe('3m05s');
    expect(formatDuration(42_400)).toBe('42s');
  });

  it('not on a terminal, prints a plain line at most every 10 s, and the last figures at the end', () => {
    const h = harness(false);
    const p = progress('rebuild', { unit: 'events', stream: h.stream, now: h.now });
    h.advance(4_000);
    p.update(100_000, 1_000_000);
    expect(h.written).toEqual([]);
    h.advance(6_000);
    p.update(250_000, 1_000_000);
    h.advance(1_000);
    p.update(275_000, 1_000_000);
    expect(h.written).toEqual(['rebuild: 250,000/1,000,000 events (25.0 %), 25,000/s, ETA 30s\n']);
    h.advance(2_000);
    p.update(1_000_000, 1_000_000, 'indexes');
    p.finish();
    expect(h.written[1]).toBe('rebuild (indexes): 1,000,000/1,000,000 events (100.0 %), 76,923/s, took 13s\n');
    expect(h.written).toHaveLength(2);
  });

  it('on a terminal, redraws one line with a bar and ends it with a newline', () => {
    const h = harness(true);
    const p = progress('verify', { unit: 'events', stream: h.stream, now: h.now });
    h.advance(1_000);
    p.update(500, 1_000);
    expect(h.written).toEqual([`\r\x1b[2Kverify [############............] 500/1,000 events (50.0 %), 500/s, ETA 1s`]);
    h.advance(50);
    p.update(600, 1_000);
    expect(h.written).toHaveLength(1);
    p.finish();
    expect(h.written.slice(1)).toEqual([`\r\x1b[2Kverify [##############..........] 600/1,000 events (60.0 %), 571/s, ETA 1s`, '\n']);
  });

  it('prints nothing when the work ended before the first line was due', () => {
    for (const tty of [false, true]) {
      const h = harness(tty);
      const p = progress('import', { unit: 'entries', stream: h.stream, now: h.now });
      h.advance(50);
      p.update(10, 10);
      p.finish();
      expect(h.written).toEqual([]);
    }
  });
});
