import type { FundLineKey } from '../../events';
import { LINE_DIMENSIONS, canonicalFundLineKey, keySegments } from './fund-line.dimensions';
import { fundLineLabel, fundLineStream, sameFundLine } from './fund-line.key';

const DA5: FundLineKey = { programme: 'GNBV-2021-2025', component: 'DA5', budgetYear: 2024, originYear: 2024, source: 'NSTW', capitalType: 'SN', unit: '184' };

describe('fund-line key', () => {
  describe('the stream name', () => {
    it('keeps the format stored in the log: prefix, then each dimension in canonical order', () => {
      expect(fundLineStream(DA5)).toBe('fundline-GNBV-2021-2025:DA5:2024:2024:NSTW:SN:184');
    });

    it('names a content item inside its component', () => {
      expect(fundLineStream({ ...DA5, component: 'DA1.TDA1', content: 'DTBD' })).toBe('fundline-GNBV-2021-2025:DA1.TDA1.DTBD:2024:2024:NSTW:SN:184');
      expect(keySegments({ ...DA5, content: '' })).toEqual(['GNBV-2021-2025', 'DA5', '2024', '2024', 'NSTW', 'SN', '184']);
    });

    it('is the same whatever order the fields were given in', () => {
      const shuffled: FundLineKey = { unit: '184', capitalType: 'SN', source: 'NSTW', originYear: 2024, budgetYear: 2024, component: 'DA5', programme: 'GNBV-2021-2025' };
      expect(sameFundLine(shuffled, DA5)).toBe(true);
    });
  });

  describe('the canonical key', () => {
    it('has its fields in canonical order, as stored in events', () => {
      const key = canonicalFundLineKey({ unit: '184', content: 'HT', capitalType: 'DTPT', source: 'NSTW', originYear: 2023, budgetYear: 2024, component: 'DA1.TDA1', programme: 'P' });
      expect(JSON.stringify(key)).toBe('{"programme":"P","component":"DA1.TDA1","content":"HT","budgetYear":2024,"originYear":2023,"source":"NSTW","capitalType":"DTPT","unit":"184"}');
    });

    it('leaves out an absent content item, also from a read model row where it is empty', () => {
      expect(Object.keys(canonicalFundLineKey(DA5))).not.toContain('content');
      const dims = { ...DA5, content: '', district: '184', province: '20', subProject: 'DA5', project: 'DA5' };
      expect(canonicalFundLineKey(dims)).toEqual(DA5);
      expect(Object.keys(canonicalFundLineKey(dims))).toEqual(Object.keys(canonicalFundLineKey(DA5)));
    });
  });

  it('labels a line for messages, with the origin year of carried-over money', () => {
    expect(fundLineLabel(DA5)).toBe('DA5/NSTW/SN/2024@184');
    expect(fundLineLabel({ ...DA5, component: 'DA1.TDA1', content: 'HT', originYear: 2023 })).toBe('DA1.TDA1.HT/NSTW/SN/2024 (from 2023)@184');
  });

  it('lists every dimension of a line: the key, then its places in the catalogue trees', () => {
    expect(LINE_DIMENSIONS).toEqual(['programme', 'component', 'content', 'budgetYear', 'originYear', 'source', 'capitalType', 'unit', 'district', 'province', 'subProject', 'project']);
  });
});
