import { IMPORTER, OFFICER, startTestLedger, TestLedger, TestResponse } from '../support/app';

/**
 * Issue 9, items 1-7: what an attacker or a careless client sent the built server, each reproduction through the
 * real app. Every refusal is a 400 (or 404/415) in the one error shape, names what was wrong, stores nothing, and
 * leaves the server answering.
 */

const LINE = { programme: 'GNBV-2021-2025', component: 'DA5', budgetYear: 2024, originYear: 2024, source: 'NSTW', capitalType: 'SN', unit: '184' };
const DECISION = { number: '4888/QĐ-UBND', date: '2023-12-22', issuer: 'UBND huyện Văn Quan' };
const VOUCHER = { number: 'UNC-000123', date: '2024-06-20', treasury: 'KBNN Văn Quan' };
const YAML = { ...IMPORTER, 'content-type': 'application/yaml' };
const JSON_TYPE = { ...OFFICER, 'content-type': 'application/json' };

/** A well-formed body for each of the ten command routes, and the name of its legal basis. */
const ROUTES: Record<string, { body: Record<string, unknown>; basis: 'decision' | 'voucher' }> = {
  'assign-plan': { body: { line: LINE, amount: '1000', decision: DECISION }, basis: 'decision' },
  'register-activity': {
    body: { activityId: 'A-1', name: 'Hỗ trợ nhà ở', programme: 'GNBV-2021-2025', component: 'DA5', kind: 'housing-support', unit: '184', decision: DECISION },
    basis: 'decision',
  },
  allocate: { body: { line: LINE, activityId: 'A-1', amount: '1', decision: DECISION }, basis: 'decision' },
  disburse: { body: { line: LINE, activityId: 'A-1', amount: '1', voucher: VOUCHER }, basis: 'voucher' },
  'reverse-disbursement': { body: { line: LINE, disbursementId: 'D-1', reason: 'thu hồi', voucher: VOUCHER }, basis: 'voucher' },
  'return-funds': { body: { line: LINE, mode: 'returned', amount: '1', reason: 'nộp trả', decision: DECISION }, basis: 'decision' },
  'carry-over': { body: { from: LINE, amount: '1', deadline: '2025-12-31', decision: DECISION }, basis: 'decision' },
  adjust: { body: { kind: 'increase', line: LINE, amount: '1', reason: 'bổ sung', decision: DECISION }, basis: 'decision' },
  'activities/A-1/reclassify': { body: { toKind: 'community-production', reason: 'đổi loại', decision: DECISION }, basis: 'decision' },
  'activities/A-1/outputs': { body: { outputs: [{ indicator: 'houses-new', quantity: '1' }], decision: DECISION }, basis: 'decision' },
};

function expectRefused(res: TestResponse, status: number, code: string, mention?: RegExp): void {
  expect({ status: res.status, error: res.body?.error }).toEqual({ status, error: code });
  if (mention) expect(JSON.stringify(res.body)).toMatch(mention);
}

/** `[` × n then `]` × n: n levels of nesting in a few bytes. */
const nested = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

describe('hostile and careless input (issue 9, items 1-7)', () => {
  let ledger: TestLedger;
  let digest: string;

  beforeAll(async () => {
    ledger = await startTestLedger();
    digest = ledger.logDigest();
  });
  afterAll(() => ledger.close());

  /** Nothing was stored by any refusal, and the server still answers. */
  afterEach(async () => {
    expect(ledger.logDigest()).toBe(digest);
    expect((await ledger.get('/health')).status).toBe(200);
  });

  const raw = (path: string, body: string | Buffer, headers: Record<string, string>) => ledger.request('POST', path, { body, headers });

  describe('1. a deeply nested YAML journal', () => {
    it('is refused with 400 naming the depth limit, twice in a row, and the server lives on', async () => {
      for (let attempt = 0; attempt < 2; attempt++) {
        expectRefused(await raw('/journal/import', nested(1000), YAML), 400, 'INVALID_JOURNAL', /depth|nest/i);
      }
    });

    it.each([900, 10_000])('at depth %i too', async (depth) => {
      expectRefused(await raw('/journal/import', nested(depth), YAML), 400, 'INVALID_JOURNAL', /depth|nest/i);
    });

    const blockSequences = `${'- '.repeat(1000)}x\n`;
    const blockMappings = Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    const mixed = `${'[{a: '.repeat(600)}1${'}]'.repeat(600)}`;
    it.each([
      ['block sequences', blockSequences],
      ['indented mappings', blockMappings],
      ['flow mappings in sequences', mixed],
    ])('in %s too', async (_style, text) => {
      expectRefused(await raw('/journal/import', text, YAML), 400, 'INVALID_JOURNAL', /depth limit/);
    });
  });

  describe('2. an empty list where a legal basis belongs', () => {
    it.each(Object.entries(ROUTES))('is refused on /commands/%s, naming the field', async (route, { body, basis }) => {
      const res = await ledger.post(`/commands/${route}`, { ...body, [basis]: [] });
      expectRefused(res, 400, 'INVALID_COMMAND');
      expect(res.body.problems.map((p: { field: string }) => p.field)).toContain(basis);
    });

    it('an empty list where a fund line belongs is refused too', async () => {
      const res = await ledger.post('/commands/assign-plan', { ...ROUTES['assign-plan'].body, line: [] });
      expectRefused(res, 400, 'INVALID_COMMAND');
      expect(res.body.problems.map((p: { field: string }) => p.field)).toContain('line');
    });
  });

  describe('4. requests built to block the event loop', () => {
    const unknownKeys = (n: number) => {
      const body: Record<string, unknown> = { ...ROUTES['assign-plan'].body };
      for (let i = 0; i < n; i++) body[`k${i}`] = 1;
      return JSON.stringify(body);
    };

    it.each([100_000, 1_000_000])('a command with %i unknown keys is over the body limit of a command: a short 413', async (n) => {
      const res = await raw('/commands/assign-plan', unknownKeys(n), JSON_TYPE);
      expectRefused(res, 413, 'PAYLOAD_TOO_LARGE');
      expect(JSON.stringify(res.body).length).toBeLessThan(20_000);
    });

    it('a command with 10,000 unknown keys, within the body limit, gets a short 400 naming the values limit', async () => {
      const body = unknownKeys(10_000);
      expect(body.length).toBeLessThan(1024 * 1024);
      const res = await raw('/commands/assign-plan', body, JSON_TYPE);
      expectRefused(res, 400, 'INVALID_COMMAND', /values limit: at most 5,000/);
      expect(JSON.stringify(res.body).length).toBeLessThan(20_000);
    });

    it.each([40_000, 100_000])('a YAML journal with %i top-level keys gets a 400 naming the keys limit', async (n) => {
      let text = 'journal: 1\nid: many-keys\n';
      for (let i = 0; i < n; i++) text += `k${i}: 1\n`;
      const res = await raw('/journal/import', text, YAML);
      expectRefused(res, 400, 'INVALID_JOURNAL', /keys/);
      expect(JSON.stringify(res.body).length).toBeLessThan(20_000);
    });

    it('a journal with 66,000 invalid entries gets a 400 naming the entries limit', async () => {
      const entries = Array.from({ length: 66_000 }, (_, i) => `  - { id: e${i}, plan: 1 }`).join('\n');
      const res = await raw('/journal/import', `journal: 1\nid: many-entries\nentries:\n${entries}\n`, YAML);
      expectRefused(res, 400, 'INVALID_JOURNAL', /entries/);
      expect(JSON.stringify(res.body).length).toBeLessThan(20_000);
    });

    it('a journal with 5,000 invalid entries (within the limit) lists 100 problems, the last saying how many more', async () => {
      const entries = Array.from({ length: 5_000 }, (_, i) => `  - { id: e${i}, plan: 1 }`).join('\n');
      const res = await raw('/journal/import', `journal: 1\nid: bad-entries\nentries:\n${entries}\n`, YAML);
      expectRefused(res, 400, 'INVALID_JOURNAL');
      const problems = res.body.problems as { field: string; problem: string }[];
      expect(problems).toHaveLength(100);
      expect(problems[0].field).toMatch(/^entries\[0\]/);
      expect(problems[99]).toEqual({ field: '(more)', problem: expect.stringMatching(/^and \d+ more problems, not listed$/) });
    });

    it('a command with 300 bad communes lists 100 problems, the last saying how many more', async () => {
      const communes = Array.from({ length: 300 }, (_, i) => `xã ${i}\u0000`);
      const res = await ledger.post('/commands/register-activity', { ...ROUTES['register-activity'].body, communes });
      expectRefused(res, 400, 'INVALID_COMMAND');
      const problems = res.body.problems as { field: string; problem: string }[];
      expect(problems).toHaveLength(100);
      expect(problems[99]).toEqual({ field: '(more)', problem: expect.stringMatching(/^and \d+ more problems, not listed$/) });
    });
  });

  describe('5. malformed input that answered 500', () => {
    it.each(Object.keys(ROUTES))('JSON nested 10,000 deep on /commands/%s is a 400', async (route) => {
      const res = await raw(`/commands/${route}`, `{"line": ${nested(10_000)}}`, JSON_TYPE);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(/depth|nest/i);
    });

    it('JSON nested 10,000 deep on the journal import is a 400', async () => {
      const res = await raw('/journal/import', `{"journal": 1, "entries": ${nested(10_000)}}`, { ...IMPORTER, 'content-type': 'application/json' });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(/depth|nest/i);
    });

    it('YAML billion laughs is a 400 naming the alias limit', async () => {
      const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
      for (let i = 1; i < 9; i++) {
        const prev = String.fromCharCode(96 + i);
        const name = String.fromCharCode(97 + i);
        lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
      }
      expectRefused(await raw('/journal/import', `${lines.join('\n')}\n`, YAML), 400, 'INVALID_JOURNAL', /alias/i);
    });

    it('an undefined YAML alias is a 400', async () => {
      expectRefused(await raw('/journal/import', 'journal: 1\nid: *nope\nentries: []\n', YAML), 400, 'INVALID_JOURNAL', /nope/);
    });

    it('a path out of /docs is a 404', async () => {
      const res = await ledger.get('/docs/..%2f..%2fpackage.json');
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toMatch(/"dependencies"/);
    });
  });

  describe('6. text and dates taken as they come', () => {
    const hostile: Record<string, string> = {
      'a NUL': '4888\u0000/QĐ-UBND',
      'an ANSI escape': '\u001b[31m4888/QĐ-UBND\u001b[0m',
      'a right-to-left override': '4888/QĐ-\u202eDNBU',
      'a lone surrogate': '4888/QĐ-UBND\ud800',
    };

    it.each(Object.entries(hostile))('%s in a decision number is refused', async (_what, number) => {
      const res = await ledger.post('/commands/assign-plan', { ...ROUTES['assign-plan'].body, decision: { ...DECISION, number } });
      expectRefused(res, 400, 'INVALID_COMMAND', /decision\.number/);
    });

    it.each(Object.entries(hostile))('%s in an issuer is refused', async (_what, issuer) => {
      const res = await ledger.post('/commands/assign-plan', { ...ROUTES['assign-plan'].body, decision: { ...DECISION, issuer } });
      expectRefused(res, 400, 'INVALID_COMMAND', /decision\.issuer/);
    });

    it('a body that is not valid UTF-8 is refused, not repaired', async () => {
      const text = JSON.stringify(ROUTES['assign-plan'].body).replace('UBND huyện', 'UBND huy\u0000n');
      const bytes = Buffer.from(text, 'utf8');
      bytes[bytes.indexOf(0)] = 0xc3; // a lead byte with no continuation
      const res = await raw('/commands/assign-plan', bytes, JSON_TYPE);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(/UTF-8/);
    });

    it('a YAML journal that is not valid UTF-8 is refused', async () => {
      const bytes = Buffer.from('journal: 1\nid: x\u0000y\nentries: []\n', 'utf8');
      bytes[bytes.indexOf(0)] = 0xff;
      expectRefused(await raw('/journal/import', bytes, YAML), 400, 'INVALID_JOURNAL', /UTF-8/);
    });

    it('a charset other than UTF-8 is refused with 415', async () => {
      const res = await raw('/commands/assign-plan', JSON.stringify(ROUTES['assign-plan'].body), { ...OFFICER, 'content-type': 'application/json; charset=latin1' });
      expectRefused(res, 415, 'UNSUPPORTED_MEDIA_TYPE', /UTF-8/);
    });

    it('a decision dated 9999-12-31 is refused, naming the range', async () => {
      const res = await ledger.post('/commands/assign-plan', { ...ROUTES['assign-plan'].body, decision: { ...DECISION, date: '9999-12-31' } });
      expectRefused(res, 400, 'INVALID_COMMAND', /decision\.date/);
    });

    it('an effective date 0100-01-01 is refused', async () => {
      const res = await ledger.post('/commands/assign-plan', { ...ROUTES['assign-plan'].body, effectiveDate: '0100-01-01' });
      expectRefused(res, 400, 'INVALID_COMMAND', /effectiveDate/);
    });
  });

  describe('7. smaller refusals', () => {
    it.each(['constructor', 'hasOwnProperty', 'toString', '__proto__'])('a key named %s is an unknown field', async (key) => {
      const text = JSON.stringify(ROUTES['assign-plan'].body).replace(/^\{/, `{"${key}": {},`);
      const res = await raw('/commands/assign-plan', text, JSON_TYPE);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(key);
    });

    it('"activityId": null is refused rather than taken as absent', async () => {
      const res = await ledger.post('/commands/register-activity', { ...ROUTES['register-activity'].body, activityId: null });
      expectRefused(res, 400, 'INVALID_COMMAND', /activityId/);
    });

    it('"expectedRevision": null is a 400, not a 412', async () => {
      const res = await ledger.post('/commands/assign-plan', { ...ROUTES['assign-plan'].body, expectedRevision: null });
      expectRefused(res, 400, 'INVALID_COMMAND', /expectedRevision/);
    });

    it.each(['"1e400"', `"${'9'.repeat(400)}"`, '"-0"', '"3.5"'])('If-Match: %s is a 400', async (ifMatch) => {
      const res = await ledger.post('/commands/assign-plan', ROUTES['assign-plan'].body, { ...OFFICER, 'if-match': ifMatch });
      expectRefused(res, 400, 'INVALID_COMMAND', /If-Match/);
    });
  });
});
