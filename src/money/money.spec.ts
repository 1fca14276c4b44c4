import { formatAmountVi, formatNumberVi, formatVnd } from './money';

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
