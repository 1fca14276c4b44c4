import Database from 'better-sqlite3';
import { RowWriter } from './sql';

describe('RowWriter', () => {
  function table() {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
    const statements: string[] = [];
    const prepare = db.prepare.bind(db);
    // The statements run, by their number of rows.
    const counting = Object.assign(Object.create(db) as Database.Database, {
      prepare: (sql: string) => {
        const s = prepare(sql);
        const rows = (sql.match(/\(\?, \?\)/g) ?? []).length;
        const run = s.run.bind(s);
        return Object.assign(s, { run: (...params: unknown[]) => (statements.push(`${rows} rows`), run(...params)) });
      },
    });
    const rows = () => db.prepare('SELECT k, v FROM t ORDER BY k').all();
    return { db: counting, statements, rows };
  }

  it('writes a statement of many rows each time it holds that many, and the rest one by one at flush', () => {
    const { db, statements, rows } = table();
    const w = new RowWriter({ db, rowsPerStatement: 3 }, 'INSERT INTO t (k, v)', 2, 'ON CONFLICT (k) DO UPDATE SET v = excluded.v');
    for (let i = 1; i <= 7; i++) w.add(`k${i}`, i);
    expect(statements).toEqual(['3 rows', '3 rows']);
    expect(rows()).toHaveLength(6);
    w.flush();
    expect(statements).toEqual(['3 rows', '3 rows', '1 rows']);
    expect(rows()).toEqual(Array.from({ length: 7 }, (_, i) => ({ k: `k${i + 1}`, v: i + 1 })));
    // The tail applies to every row: an upsert of stored keys updates them.
    for (let i = 1; i <= 3; i++) w.add(`k${i}`, i * 10);
    expect(rows().slice(0, 3)).toEqual([10, 20, 30].map((v, i) => ({ k: `k${i + 1}`, v })));
  });

  it('with one row to a statement, writes each row as it is added', () => {
    const { db, statements, rows } = table();
    const w = new RowWriter({ db, rowsPerStatement: 1 }, 'INSERT INTO t (k, v)', 2);
    w.add('a', 1);
    w.add('b', 2);
    expect(statements).toEqual(['1 rows', '1 rows']);
    expect(rows()).toEqual([{ k: 'a', v: 1 }, { k: 'b', v: 2 }]);
  });

  it('forgets the rows it has not written when cleared, and refuses a row of the wrong width', () => {
    const { db, rows } = table();
    const w = new RowWriter({ db, rowsPerStatement: 3 }, 'INSERT INTO t (k, v)', 2, '');
    w.add('a', 1);
    w.add('b', 2);
    w.clear();
    w.flush();
    expect(rows()).toEqual([]);
    expect(() => w.add('c')).toThrow('a row of 2 values expected, got 1');
  });
});
