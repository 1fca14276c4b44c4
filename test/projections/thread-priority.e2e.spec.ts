import { readdirSync, readFileSync } from 'node:fs';
import { BACKGROUND_NICE } from '../../src/shared/workers';
import { startTestLedger, type TestLedger } from '../support/app';
import { LINE } from '../support/fixtures';
import { describeWhen } from '../support/skip';

/** Each thread of this process: its id, its name (as /proc shows it) and its nice value (field 19 of its stat). */
function threadsOfThisProcess(): Array<{ tid: number; name: string; nice: number }> {
  return readdirSync('/proc/self/task').flatMap((tid) => {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // "<tid> (<name>) <state> ...": the fields after the name start at field 3.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [{ tid: Number(tid), name: readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim(), nice: Number(fields[19 - 3]) }];
    } catch {
      return []; // a thread that ended meanwhile
    }
  });
}

/** The nice values of the threads of that name (this test file shares its process with others, whose threads may remain). */
function nicesOf(name: string): Set<number> {
  const nices = threadsOfThisProcess().filter((t) => t.name === name).map((t) => t.nice);
  if (nices.length === 0) throw new Error(`no thread named ${name} in this process`);
  return new Set(nices);
}

describeWhen(process.platform === 'linux', 'thread priorities are set on Linux only', 'the threads of a running ledger', () => {
  let ledger: TestLedger;

  beforeAll(async () => {
    ledger = await startTestLedger();
    // A command committed: the writer has started too.
    const plan = await ledger.post('/commands/assign-plan', { line: LINE, amount: '8036000000', decision: { number: '4888/QĐ-UBND', date: '2023-12-22', issuer: 'UBND huyện Văn Quan' } });
    expect(plan.status).toBe(201);
  }, 60_000);

  afterAll(() => ledger?.close());

  it('folds the read models and the Merkle log in the background: the projection thread is niced, below the threads that answer', () => {
    expect(nicesOf('projection')).toEqual(new Set([BACKGROUND_NICE]));
    // The event loop and the log's writer acknowledge commands; the readers answer queries: none of them yields.
    expect(nicesOf('sqlite-writer')).toEqual(new Set([0]));
    expect(nicesOf('reader')).toEqual(new Set([0]));
    expect(threadsOfThisProcess().find((t) => t.tid === process.pid)?.nice).toBe(0);
  });
});
