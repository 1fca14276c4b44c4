import { parseAmount, parseDate, parsePercent, parseQuantity, percentOf } from './vietnamese-numbers';

describe('amounts as Vietnamese documents write them', () => {
  describe('with a unit', () => {
    it.each([
      ['65.536 triệu đồng', '65536000000', '1000000'],
      ['695,4 triệu đồng', '695400000', '100000'],
      ['695,4 triệu', '695400000', '100000'],
      ['16,74 triệu đồng', '16740000', '10000'],
      ['3.206.178.594 đồng', '3206178594', '1'],
      ['1.550,44 đồng', '1550.44', '0.01'],
      ['28.590.000.000 đồng', '28590000000', '1'],
      ['1.428 triệu', '1428000000', '1000000'],
      ['0 triệu đồng', '0', '1000000'],
      ['2,5 tỷ đồng', '2500000000', '100000000'],
      ['620 nghìn đồng', '620000', '1000'],
      ['620000000 đ', '620000000', '1'],
      ['  65.536   triệu  đồng ', '65536000000', '1000000'],
    ])('reads "%s" as %s đồng exactly, to the nearest %s', (text, dong, resolution) => {
      expect(parseAmount(text)).toEqual({ dong, resolution });
    });

    it('keeps amounts beyond what a JS number holds exactly', () => {
      expect(parseAmount('6.858.200.000 triệu đồng')).toEqual({ dong: '6858200000000000', resolution: '1000000' });
      expect(parseAmount('9.007.199.254.740.993 đồng')).toEqual({ dong: '9007199254740993', resolution: '1' });
    });
  });

  describe('when the figure could be read two ways', () => {
    it('refuses a figure without a unit', () => {
      expect(parseAmount('65.536')).toMatch(/has no unit: write "65.536 đồng" or "65.536 triệu đồng"/);
    });

    it('refuses a YAML or JSON number: it cannot carry its unit, and 65.536 would be read as 65 and a half', () => {
      expect(parseAmount(65.536)).toMatch(/bare number/);
      expect(parseAmount(620000000)).toMatch(/bare number/);
    });

    it('refuses English formatting', () => {
      expect(parseAmount('1,550.44 đồng')).toMatch(/English formatting/);
      expect(parseAmount('65.5 triệu đồng')).toMatch(/groups of exactly three digits/);
      expect(parseAmount('1.55.044 đồng')).toMatch(/groups of exactly three digits/);
    });

    it('refuses an unknown unit, a sign, two commas and fractions of a đồng', () => {
      expect(parseAmount('65.536 USD')).toMatch(/not a unit of money/);
      expect(parseAmount('-5 triệu đồng')).toMatch(/without a sign/);
      expect(parseAmount('1,5,5 triệu đồng')).toMatch(/more than one ","/);
      expect(parseAmount('1,555 đồng')).toMatch(/more than 2 decimal places of a đồng/);
      expect(parseAmount('0123 đồng')).toMatch(/starts with a 0/);
    });
  });
});

describe('percentages', () => {
  it('reads the rate and the precision it was written with', () => {
    expect(parsePercent('17,22 %')).toEqual({ percent: '17.22', decimals: 2 });
    expect(parsePercent('17,22%')).toEqual({ percent: '17.22', decimals: 2 });
    expect(parsePercent('45%')).toEqual({ percent: '45', decimals: 0 });
    expect(parsePercent('7,7 %')).toEqual({ percent: '7.7', decimals: 1 });
  });

  it('refuses a rate without "%" or as a bare number', () => {
    expect(parsePercent('17,22')).toMatch(/a "%" is required/);
    expect(parsePercent(17.22)).toMatch(/bare number/);
  });

  it('computes a rate rounded half-up to the written precision', () => {
    expect(percentOf('17015', '98801', 2)).toBe('17.22');
    expect(percentOf('59', '525', 2)).toBe('11.24');
    expect(percentOf('44460', '98801', 0)).toBe('45');
    expect(percentOf('1', '0', 2)).toBeNull();
  });
});

describe('quantities and dates', () => {
  it('takes whole YAML numbers and Vietnamese text, and refuses a fractional YAML number', () => {
    expect(parseQuantity(278)).toBe('278');
    expect(parseQuantity('1.200')).toBe('1200');
    expect(parseQuantity('6,73')).toBe('6.73');
    expect(parseQuantity(1.2)).toEqual({ problem: expect.stringMatching(/ambiguous/) });
  });

  it('takes ISO and Vietnamese dates and refuses days that do not exist', () => {
    expect(parseDate('2024-06-30')).toBe('2024-06-30');
    expect(parseDate('30/6/2024')).toBe('2024-06-30');
    expect(parseDate('31/6/2024')).toEqual({ problem: expect.stringMatching(/not a real date/) });
    expect(parseDate(20240630)).toEqual({ problem: expect.stringMatching(/quote it/) });
  });
});
