import { StreamLocks } from './stream-locks';

const tick = () => new Promise((r) => setImmediate(r));

describe('StreamLocks', () => {
  it('runs work on the same stream one after the other, in arrival order', async () => {
    const locks = new StreamLocks();
    const log: string[] = [];
    const job = (name: string) => async () => {
      log.push(`${name} start`);
      await tick();
      log.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([locks.run(['a'], job('1')), locks.run(['a'], job('2')), locks.run(['a', 'b'], job('3'))]);
    expect(results).toEqual(['1', '2', '3']);
    expect(log).toEqual(['1 start', '1 end', '2 start', '2 end', '3 start', '3 end']);
  });

  it('lets work on different streams overlap', async () => {
    const locks = new StreamLocks();
    const log: string[] = [];
    const job = (name: string) => async () => {
      log.push(`${name} start`);
      await tick();
      log.push(`${name} end`);
    };
    await Promise.all([locks.run(['a'], job('1')), locks.run(['b'], job('2'))]);
    expect(log).toEqual(['1 start', '2 start', '1 end', '2 end']);
  });

  it('releases a stream when the work fails', async () => {
    const locks = new StreamLocks();
    await expect(locks.run(['a'], async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await expect(locks.run(['a'], async () => 'next')).resolves.toBe('next');
  });

  it('never deadlocks when two commands take the same streams in opposite order', async () => {
    const locks = new StreamLocks();
    const done = await Promise.all([
      locks.run(['a', 'b'], async () => {
        await tick();
        return 'ab';
      }),
      locks.run(['b', 'a'], async () => 'ba'),
    ]);
    expect(done).toEqual(['ab', 'ba']);
  });
});
