import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalogue } from '../../src/catalogue/catalogue';
import { catalogueContext } from '../shared/context';
import { BUILT_IN_RULES_FILE, RULE_CODES, RedFlagRules, builtInRedFlagRules, loadRedFlagRules, parseRedFlagRules } from './rules';

const builtIn = () => JSON.parse(JSON.stringify(require(BUILT_IN_RULES_FILE))) as { version: number; rules: Record<string, any>[] };

describe('red-flag rules file', () => {
  it('lists every rule once, each titled and described in Vietnamese and English', () => {
    const rules = builtInRedFlagRules();
    expect(rules.definitions.map((d) => d.rule)).toEqual([...RULE_CODES]);
    for (const d of rules.definitions) {
      expect(d.title.vi.length).toBeGreaterThan(0);
      expect(d.description.en.length).toBeGreaterThan(0);
    }
  });

  it('puts the thresholds into the descriptions', () => {
    const rules = builtInRedFlagRules();
    expect(RedFlagRules.describe(rules.definition('backdated'), 'en')).toMatch(/^An event is recorded more than 30 days after/);
    expect(RedFlagRules.describe(rules.definition('split-below-threshold'), 'vi')).toContain('(trong khoảng 10 % dưới ngưỡng)');
  });

  it('bounds "just under" each threshold exactly, in cents', () => {
    expect(builtInRedFlagRules().bands.map((b) => [String(b.lower), String(b.amount)])).toEqual([
      ['45000000000', '50000000000'],
      ['90000000000', '100000000000'],
    ]);
  });

  describe('a file of its own (LEDGER_RED_FLAG_RULES)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'red-flag-rules-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('is read, and changes the read model’s fingerprint when a threshold changes', () => {
      const json = builtIn();
      json.rules.find((r) => r.rule === 'backdated')!.params.days = 60;
      const file = join(dir, 'rules.json');
      writeFileSync(file, JSON.stringify(json));
      const rules = loadRedFlagRules(file);
      expect(rules.definition('backdated').params.days).toBe(60);
      const catalogue = Catalogue.load();
      expect(catalogueContext(catalogue, rules).fingerprint).not.toBe(catalogueContext(catalogue).fingerprint);
    });

    it('is refused with every bad field named', () => {
      const json = builtIn();
      json.rules.find((r) => r.rule === 'backdated')!.params.days = -1;
      json.rules.find((r) => r.rule === 'split-below-threshold')!.params.band = 0.1;
      json.rules = json.rules.filter((r) => r.rule !== 'duplicate-voucher');
      json.rules.push({ rule: 'round-amounts', enabled: true, title: { vi: 'x', en: 'x' }, description: { vi: 'x', en: 'x' } });
      expect(() => parseRedFlagRules(json, 'rules.json')).toThrow(
        'red-flag rules file rules.json is invalid: rules[2].params.days: must be a whole number, 0 or more; ' +
          'rules[4].params.band: must be a decimal string between 0 and 1, e.g. "0.1" for 10 %; ' +
          'rules[11].rule: unknown rule "round-amounts"; rules: ' +
          RULE_CODES.join(', ') +
          '; rules: every rule must be listed (set "enabled": false to turn one off); missing: duplicate-voucher',
      );
      expect(() => loadRedFlagRules(join(dir, 'missing.json'))).toThrow(/red-flag rules file .*missing\.json cannot be read/);
    });
  });
});
