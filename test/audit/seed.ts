/** One fast-check seed per test file, printed so that a failure can be replayed with FC_SEED=<seed>. */
export function fastCheckSeed(file: string): number {
  const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;
  console.info(`${file}: fast-check seed ${seed} (replay with FC_SEED=${seed})`);
  return seed;
}
