import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { startTestLedger, TestLedger } from '../support/app';

/** The official IATI 2.03 schema, the project's own copy (test/fixtures/iati-2.03/README.md). */
const SCHEMA_DIR = join(__dirname, '..', 'fixtures', 'iati-2.03');
const schema = (name: string) => ({ fileName: name, contents: readFileSync(join(SCHEMA_DIR, name), 'utf8') });

async function validate(xml: string) {
  return validateXML({
    xml: { fileName: 'export.xml', contents: xml },
    schema: [schema('iati-activities-schema.xsd')],
    preload: [schema('iati-common.xsd'), schema('xml.xsd')],
  });
}

describe('IATI 2.03 export of a unit’s programme activities', () => {
  let ledger: TestLedger;
  let xml: string;
  let head: number;

  beforeAll(async () => {
    ledger = await startTestLedger({ demo: true });
    head = await ledger.store.headPosition();
    const res = await fetch(`${ledger.url}/reports/iati?unit=184&budgetYear=2024&asOf=2024-06-30`, { headers: await ledger.as('viewer') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    xml = await res.text();
  });
  afterAll(() => ledger.close());

  it('validates against the official schema', async () => {
    const result = await validate(xml);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('is refused by the same validator when an element the schema requires is missing', async () => {
    const broken = xml.replace(/<iati-identifier>[^<]*<\/iati-identifier>/, '');
    const result = await validate(broken);
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => e.message).join('\n')).toMatch(/iati-identifier/);
  });

  it('has one activity per component, its budget from the plans, commitments from allocations, disbursements, and results against targets', () => {
    const activities = xml.split('<iati-activity ').slice(1);
    expect(activities).toHaveLength(11);
    const da5 = activities.find((a) => a.includes('<iati-identifier>VN-DVHC-184-GNBV-2021-2025-2024-DA5</iati-identifier>')) as string;
    expect(da5).toContain('<value value-date="2024-01-01">8036000000</value>');
    expect(da5).toMatch(/<transaction-type code="2"\/>\s*<transaction-date iso-date="2024-03-14"\/>\s*<value value-date="2024-03-14">7700000000<\/value>/);
    expect(da5).toMatch(/<transaction-type code="3"\/>\s*<transaction-date iso-date="2024-06-30"\/>\s*<value value-date="2024-06-30">620000000<\/value>/);
    expect(da5).toMatch(/<title>\s*<narrative>Nhà ở xây mới \(căn\)<\/narrative>\s*<\/title>\s*<period>\s*<period-start iso-date="2024-01-01"\/>\s*<period-end iso-date="2024-06-30"\/>\s*<target value="101"\/>\s*<actual value="6"\/>/);
    expect(xml).toContain(`<gnbv:provenance position="${head}" tree-size="${head}"`);
  });

  it('escapes what it writes, and names a bad parameter', async () => {
    expect(xml).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)/);
    const res = await ledger.get('/reports/iati?unit=184&budgetYear=2024&format=xlsx');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'INVALID_REQUEST', problems: [{ field: 'format', problem: 'the IATI export is XML only' }] });
  });
});
