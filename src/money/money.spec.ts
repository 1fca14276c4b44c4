import { formatAmountVi, formatNumberVi, formatPercent, formatTrieu, formatVnd } from './money';

describe('amounts written as Vietnamese documents write them', () => {
  it('writes triệu đồng exactly, with as many decimals as the amount has', () => {
    expect(formatTrieu('98801000000')).toBe('98.801');
    expect(formatTrieu('17015740000')).toBe('17.015,74');
    expect(formatTrieu('695400000')).toBe('695,4');
    expect(formatTrieu('16740000')).toBe('16,74');
    expect(formatTrieu('1550440.5')).toBe('1,5504405');
    expect(formatTrieu('0')).toBe('0');
    expect(formatTrieu('-336000000')).toBe('-336');
  });

  it('writes a rate as a percentage rounded half up, without trailing zeros', () => {
    expect(formatPercent('0.172215')).toBe('17,22');
    expect(formatPercent('0.077153')).toBe('7,72');
    expect(formatPercent('0.077153', 1)).toBe('7,7');
    expect(formatPercent('1')).toBe('100');
    expect(formatPercent('0.45')).toBe('45');
    expect(formatPercent('0.112381')).toBe('11,24');
  });

  it('writes đồng with its unit', () => {
    expect(formatVnd('17015740000')).toBe('17.015.740.000 đ');
  });
});

describe('Vietnamese notation for people (JSON keeps exact decimal strings)', () => {
  it('groups thousands with "." and writes decimals after ","', () => {
    expect(formatNumberVi('1234.5')).toBe('1.234,5');
    expect(formatNumberVi('-0.01')).toBe('-0,01');
    expect(formatNumberVi('17.2215', 2)).toBe('17,22');
    expect(formatNumberVi('0')).toBe('0');
    expect(formatVnd('1550440.5')).toBe('1.550.440,50 đ');
  });

  it('shows an amount in triệu đồng without losing a đồng', () => {
    expect(formatAmountVi('1550440000', 'trieu')).toBe('1.550,44 triệu đồng');
    expect(formatAmountVi('98801000000', 'trieu')).toBe('98.801 triệu đồng');
    expect(formatAmountVi('17015740001', 'trieu')).toBe('17.015,740001 triệu đồng');
    expect(formatAmountVi('3206178594', 'dong')).toBe('3.206.178.594 đồng');
    expect(formatAmountVi('6858200000', 'ty', false)).toBe('6,8582');
  });
});
