/**
 * How long a follower of the log (the read models' ProjectionRunner, the Merkle log) gathers live events before it
 * writes them as one batch. A batch has a fixed cost (its transaction and commit, the documents and rows it rewrites),
 * so under load the next batch waits in proportion to the time the last one took: the follower spends at most about
 * 1 / (1 + LOAD_FACTOR) of a core on its batches, and while the log grows faster its batches grow instead.
 */

/** How many times the last batch's write time the next live batch is gathered, under load. */
export const LOAD_FACTOR = 4;

/** How long live events are gathered before the next batch: `LOAD_FACTOR` × the last batch's time, within [min, max] ms. */
export function gatherDelay(lastBatchMs: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, Math.max(minMs, LOAD_FACTOR * lastBatchMs));
}
