import { chartValue, formatDate, formatInstant, formatMoney, formatRate, knownAtForInput, parseAmount, parseDate, parseKnownAt, sameAmount } from '../../web/src/format';

describe('amounts in Vietnamese format, exact', () => {
  it('writes đồng with "." between thousands and "," before decimals', () => {
    expect(formatMoney('98801000000', 'dong')).toBe('98.801.000.000');
    expect(formatMoney('1550440.5', 'dong')).toBe('1.550.440,5');
    expect(formatMoney('-740000', 'dong')).toBe('-740.000');
    expect(formatMoney('0', 'dong')).toBe('0');
  });

  it('writes triệu đồng keeping every significant digit', () => {
    expect(formatMoney('98801000000', 'trieu')).toBe('98.801');
    expect(formatMoney('1550440000', 'trieu')).toBe('1.550,44');
    expect(formatMoney('17015740000', 'trieu')).toBe('17.015,74');
    expect(formatMoney('16740000', 'trieu')).toBe('16,74');
    expect(formatMoney('0.01', 'trieu')).toBe('0,00000001');
    expect(formatMoney('-336000000', 'trieu')).toBe('-336');
  });

  it('keeps amounts beyond what a JavaScript number holds exactly', () => {
    expect(formatMoney('6858200000000000.07', 'dong')).toBe('6.858.200.000.000.000,07');
    expect(formatMoney('90071992547409931', 'trieu')).toBe('90.071.992.547,409931');
  });

  it('shows a missing figure as a dash', () => {
    expect(formatMoney(null, 'dong')).toBe('—');
    expect(formatMoney(undefined, 'trieu')).toBe('—');
  });
});

describe('rates', () => {
  it('are percentages with two decimals, rounded half up, from the exact fraction', () => {
    expect(formatRate('0.172222')).toBe('17,22 %');
    expect(formatRate('0.112381')).toBe('11,24 %');
    expect(formatRate('0.000050')).toBe('0,01 %');
    expect(formatRate('0.000049')).toBe('0,00 %');
    expect(formatRate('1.000000')).toBe('100,00 %');
    expect(formatRate('12.5')).toBe('1.250,00 %');
    expect(formatRate(null)).toBe('—');
  });
});

describe('reading an amount typed by a user', () => {
  it('takes the Vietnamese format in the unit shown beside the field', () => {
    expect(parseAmount('1.550,44', 'trieu')).toEqual({ ok: true, dong: '1550440000' });
    expect(parseAmount('620', 'trieu')).toEqual({ ok: true, dong: '620000000' });
    expect(parseAmount('0,5', 'trieu')).toEqual({ ok: true, dong: '500000' });
    expect(parseAmount('3.206.178.594', 'dong')).toEqual({ ok: true, dong: '3206178594' });
    expect(parseAmount(' 1550440,5 ', 'dong')).toEqual({ ok: true, dong: '1550440.5' });
  });

  it('refuses what it cannot read exactly, saying why', () => {
    expect(parseAmount('1,550.44', 'trieu')).toEqual({ ok: false, problem: 'format' });
    expect(parseAmount('12.34', 'dong')).toEqual({ ok: false, problem: 'format' });
    expect(parseAmount('abc', 'dong')).toEqual({ ok: false, problem: 'format' });
    expect(parseAmount('-5', 'dong')).toEqual({ ok: false, problem: 'format' });
    expect(parseAmount('0,000000001', 'trieu')).toEqual({ ok: false, problem: 'precision' });
    expect(parseAmount('1,234', 'dong')).toEqual({ ok: false, problem: 'precision' });
    expect(parseAmount('0', 'trieu')).toEqual({ ok: false, problem: 'positive' });
  });

  it('compares amounts exactly, whatever their written form', () => {
    expect(sameAmount('525000000', '525000000.00')).toBe(true);
    expect(sameAmount('525000000', '525000001')).toBe(false);
    expect(sameAmount('525000000', 525000000)).toBe(false);
  });

  it('gives a chart its numbers in the unit (drawing only)', () => {
    expect(chartValue('98801000000', 'trieu')).toBe(98801);
    expect(chartValue('1550440000', 'trieu')).toBeCloseTo(1550.44);
  });
});

describe('dates', () => {
  it('shows calendar dates as dd/mm/yyyy and reads them back', () => {
    expect(formatDate('2024-06-30')).toBe('30/06/2024');
    expect(parseDate('30/06/2024')).toBe('2024-06-30');
    expect(parseDate('1/7/2025')).toBe('2025-07-01');
    expect(parseDate('2024-06-30')).toBeNull();
    // Whether the day exists is the API's to say, at the field.
    expect(parseDate('30/02/2024')).toBe('2024-02-30');
  });

  it('shows instants on Vietnam time', () => {
    expect(formatInstant('2024-07-15T17:05:09.000Z')).toBe('16/07/2024 00:05:09');
  });

  it('reads a known-at moment as a day (its end) or a minute of Vietnam time', () => {
    expect(parseKnownAt('15/07/2024')).toBe('2024-07-15');
    expect(parseKnownAt('15/07/2024 10:05')).toBe('2024-07-15T10:05:00+07:00');
    expect(parseKnownAt('15/07/2024 10h05')).toBeNull();
    expect(knownAtForInput('2024-07-15T10:05:00+07:00')).toBe('15/07/2024 10:05');
    expect(knownAtForInput('2024-07-15')).toBe('15/07/2024');
  });
});
