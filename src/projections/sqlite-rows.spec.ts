import Database from 'better-sqlite3';
import { rowMaker, sqliteRowsDatabase } from './sqlite-rows';

/** Rows made from arrays must be the objects better-sqlite3 makes itself, whatever the statement. */
describe('sqliteRowsDatabase', () => {
  const native = new Database(':memory:');
  const db = sqliteRowsDatabase(native);
  native.exec(`
    CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, amount, note TEXT, "odd ""name"" é" TEXT, "constructor" INTEGER);
    INSERT INTO t VALUES (1, 'Văn Quan', 9007199254740993, NULL, 'x', 7), (2, 'Bình Gia', '123456789012345678901234567890', 'n', 'y', 8);
  `);

  const same = (sql: string, params: unknown[] = [], safe = false) => {
    const mine = db.prepare(sql).safeIntegers(safe);
    const theirs = native.prepare(sql).safeIntegers(safe);
    expect(mine.all(...params)).toEqual(theirs.all(...params));
    for (const [a, b] of mine.all(...params).map((row, i) => [row, theirs.all(...params)[i]])) {
      expect(Object.keys(a as object)).toEqual(Object.keys(b as object));
      expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
    }
    expect(mine.get(...params)).toEqual(theirs.get(...params));
    expect([...mine.iterate(...params)]).toEqual([...theirs.iterate(...params)]);
  };

  it('gives the same objects, keys in the same order, for any column names and values', () => {
    same('SELECT * FROM t ORDER BY id');
    same('SELECT * FROM t ORDER BY id', [], true);
    same('SELECT id, amount AS "total (đ)", name FROM t WHERE id > ? ORDER BY id', [0]);
  });

  it('lets a later column of the same name win, as better-sqlite3 does', () => {
    same('SELECT id AS v, name AS v, amount AS v FROM t ORDER BY id');
    expect(db.prepare('SELECT 1 AS v, 2 AS v').get()).toEqual({ v: 2 });
  });

  it('answers undefined for no row, and [] for no rows', () => {
    expect(db.prepare('SELECT * FROM t WHERE id = ?').get(99)).toBeUndefined();
    expect(db.prepare('SELECT * FROM t WHERE id = ?').all(99)).toEqual([]);
  });

  it('plucks the first column, and makes objects again once pluck is off', () => {
    const s = db.prepare('SELECT name, id FROM t ORDER BY id');
    expect(s.pluck().all()).toEqual(['Văn Quan', 'Bình Gia']);
    expect(s.get()).toBe('Văn Quan');
    expect(s.pluck(false).all()).toEqual([
      { name: 'Văn Quan', id: 1 },
      { name: 'Bình Gia', id: 2 },
    ]);
  });

  it('reads integers as BigInt with safeIntegers, exactly', () => {
    expect(db.prepare('SELECT amount FROM t WHERE id = 1').safeIntegers(true).get()).toEqual({ amount: 9007199254740993n });
  });

  it('runs statements that return no rows', () => {
    const run = db.prepare('UPDATE t SET note = ? WHERE id = ?').run('đã sửa', 1) as Database.RunResult;
    expect(run.changes).toBe(1);
    expect(db.prepare('SELECT note FROM t WHERE id = 1').pluck().get()).toBe('đã sửa');
  });

  it('keeps better-sqlite3 objects for a column named __proto__ (a literal would set the prototype)', () => {
    expect(rowMaker(['a', '__proto__'])).toBeNull();
    const row = db.prepare(`SELECT 1 AS a, 'p' AS "__proto__"`).get() as Record<string, unknown>;
    expect(row).toEqual(native.prepare(`SELECT 1 AS a, 'p' AS "__proto__"`).get());
    expect(Object.getPrototypeOf(row)).toBe(Object.getPrototypeOf(native.prepare(`SELECT 1 AS a, 'p' AS "__proto__"`).get()));
  });

  it('quotes any name exactly in the compiled literal', () => {
    const names = ['a"b', "c'd", 'e\\f', 'g\nh', '\u2028', '${x}', '}; throw 1; ({'];
    expect(rowMaker(names)!(names.map((_, i) => i))).toEqual(Object.fromEntries(names.map((n, i) => [n, i])));
  });

  it('runs in transactions and exec like the connection', () => {
    db.transaction(() => db.exec(`INSERT INTO t (id, name) VALUES (3, 'Tràng Định')`))();
    expect(db.inTransaction).toBe(false);
    expect(() => db.transaction(() => {
      db.exec(`INSERT INTO t (id, name) VALUES (4, 'Lộc Bình')`);
      throw new Error('rolled back');
    })()).toThrow('rolled back');
    expect(db.prepare('SELECT id FROM t ORDER BY id').pluck().all()).toEqual([1, 2, 3]);
  });
});
