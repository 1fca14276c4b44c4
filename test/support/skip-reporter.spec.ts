import SkipReporter from './skip-reporter';
import { skippedTitle } from './skip';

type Status = 'passed' | 'pending';
const file = (path: string, tests: Array<[ancestors: string[], title: string, status: Status]>) => ({
  testFilePath: `/repo/${path}`,
  testResults: tests.map(([ancestorTitles, title, status]) => ({ ancestorTitles, title, status })),
});

function report(testResults: ReturnType<typeof file>[]): string {
  let written = '';
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written += String(chunk);
    return true;
  });
  try {
    new SkipReporter({ rootDir: '/repo' } as never).onRunComplete(new Set(), { testResults } as never);
  } finally {
    write.mockRestore();
  }
  return written;
}

describe('the skip reporter', () => {
  it('prints each suite skipped by describeWhen with its reason and how many tests it holds', () => {
    const suite = skippedTitle('KurrentDB event store', 'KURRENTDB_URL is not set (docker compose up -d)');
    const out = report([
      file('test/store/kurrentdb.int.spec.ts', [
        [[suite, 'contract'], 'appends', 'pending'],
        [[suite, 'on KurrentDB'], 'reads', 'pending'],
      ]),
      file('test/store/sqlite.int.spec.ts', [[['SQLite'], 'appends', 'passed']]),
    ]);
    expect(out).toBe(
      '\nSkipped, and why:\n  test/store/kurrentdb.int.spec.ts: KurrentDB event store, 2 tests: KURRENTDB_URL is not set (docker compose up -d)\n',
    );
  });

  it('names a test skipped without a reason', () => {
    const out = report([file('test/x.spec.ts', [[['x'], 'is skipped', 'pending']])]);
    expect(out).toContain('test/x.spec.ts: x › is skipped, 1 test: NO REASON GIVEN');
  });

  it('prints nothing when nothing was skipped', () => {
    expect(report([file('test/x.spec.ts', [[['x'], 'runs', 'passed']])])).toBe('');
  });
});
