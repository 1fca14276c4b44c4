import { Catalogue } from '../catalogue/catalogue';
import { InvalidRequest } from '../shared/errors';
import { dayBefore, parseReportRequest } from './report-params';

const catalogue = Catalogue.load();

describe('report parameters', () => {
  it('defaults to the programme running that year, the whole budget year and triệu đồng', () => {
    expect(parseReportRequest({ unit: '184', budgetYear: '2024' }, catalogue)).toEqual({
      programme: 'GNBV-2021-2025',
      unit: '184',
      budgetYear: 2024,
      from: '2024-01-01',
      asOf: '2024-12-31',
      knownAt: null,
      amountUnit: 'trieu',
    });
  });

  it('keeps a period, a recording time and a position', () => {
    expect(parseReportRequest({ unit: '20', budgetYear: 2024, from: '2024-01-01', asOf: '2024-06-30', knownAt: '2024-07-15', position: '293', amountUnit: 'dong' }, catalogue)).toMatchObject({
      asOf: '2024-06-30',
      knownAt: '2024-07-15',
      position: 293,
      amountUnit: 'dong',
    });
  });

  it('names every bad field at once', () => {
    let error: unknown;
    try {
      parseReportRequest({ unit: '184', budgetYear: '2024', from: '2024-07-01', asOf: '2024-06-30', knownAt: 'yesterday', position: '-1', amountUnit: 'usd' }, catalogue);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidRequest);
    expect((error as InvalidRequest).problems.map((p) => p.field)).toEqual(['from', 'knownAt', 'position', 'amountUnit']);
    expect((error as InvalidRequest).problems[0].problem).toBe('the period must start (2024-07-01) on or before the day it is as of (2024-06-30)');
  });

  it('refuses a district in a year after districts were abolished', () => {
    expect(() => parseReportRequest({ unit: '184', budgetYear: '2026' }, catalogue)).toThrow(/unit: administrative unit "184" \(Huyện Văn Quan\) did not exist in 2026/);
  });

  it('knows the day before the first of a year', () => {
    expect(dayBefore('2024-01-01')).toBe('2023-12-31');
    expect(dayBefore('2024-03-01')).toBe('2024-02-29');
  });
});
