import { forbiddenTextProblem, normalizeInput, textProblem } from './text-rules';

describe('text rules: the full look only where it can find something', () => {
  it('given any UTF-16 code unit within text, textProblem says what the full look says', () => {
    const differing: string[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      for (const text of [`a${ch}b`, `${ch}`, `\ud83d${ch}`, `${ch}\ude00`]) {
        if (textProblem(text) !== forbiddenTextProblem(text)) differing.push(`U+${c.toString(16)} in ${JSON.stringify(text)}`);
      }
    }
    expect(differing).toEqual([]);
  });

  it('given text of characters below U+0300 only, it is already NFC (so it is stored as it is)', () => {
    const changed: string[] = [];
    for (let a = 0; a < 0x300; a++) {
      for (let b = 0; b < 0x300; b++) {
        const text = String.fromCharCode(a, b);
        if (text.normalize('NFC') !== text) changed.push(text);
      }
    }
    expect(changed).toEqual([]);
    expect(normalizeInput({ t: 'Vie\u0302\u0323t' }).value).toEqual({ t: 'Việt' });
  });
});

describe('text rules: no copy when nothing changes', () => {
  it('given clean JSON, normalizeInput returns it as it is', () => {
    const body = { line: { unit: '184', budgetYear: 2024 }, items: ['a', 'Văn Quan'], amount: '1550440.5' };
    const normalized = normalizeInput(body, { refuseNull: true });
    expect(normalized.problems).toEqual([]);
    expect(normalized.value).toBe(body);
  });

  it('given text to normalize, normalizeInput copies what changes and leaves the input as it was', () => {
    const body = { kept: { unit: '184' }, changed: { issuer: 'Vie\u0302\u0323t' }, list: ['a', 'cafe\u0301'] };
    const before = JSON.stringify(body);
    const normalized = normalizeInput(body);
    expect(normalized.value).toEqual({ kept: { unit: '184' }, changed: { issuer: 'Việt' }, list: ['a', 'café'] });
    expect(normalized.value).not.toBe(body);
    expect(normalized.value.kept).toBe(body.kept);
    expect(JSON.stringify(body)).toBe(before);
  });

  it('given an object without the plain prototype (a query string\'s), normalizeInput copies it into a plain one', () => {
    const query = Object.assign(Object.create(null) as Record<string, unknown>, { page: '2' });
    const normalized = normalizeInput(query);
    expect(Object.getPrototypeOf(normalized.value)).toBe(Object.prototype);
    expect(normalized.value).toEqual({ page: '2' });
  });
});
