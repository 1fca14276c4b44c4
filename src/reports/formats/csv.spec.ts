import { parseCsv, writeCsv } from './csv';

describe('CSV', () => {
  it('reads back what it writes: commas, quotes, line breaks and Vietnamese text', () => {
    const records = [
      ['STT', 'Nội dung', 'Giá trị'],
      ['1', 'Dự án 1: Hỗ trợ đầu tư, "hạ tầng"', '98801'],
      ['', 'hai dòng\nmột ô', '0.172215'],
      [' leading space', '', ''],
    ];
    const text = writeCsv(records);
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(parseCsv(text)).toEqual(records);
  });

  it('accepts LF line ends, and refuses a quote left open', () => {
    expect(parseCsv('a,b\nc,d\n')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(() => parseCsv('a,"b\n')).toThrow('ends inside a quoted field');
  });
});
