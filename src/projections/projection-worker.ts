/**
 * The projection thread's worker (started by ProjectionThread through projection-worker-entry.js): a ProjectionRunner that
 * follows the SQLite log with a connection of its own, read-only, and folds into the read-model files (and, when asked,
 * the Merkle log following the log into its file), reporting its
 * position, generation and failure to the main thread after each change. The main thread tells it when a commit
 * landed, so that it reads the log at once instead of at its next poll.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteMerkleLog } from '../audit/sqlite-merkle-log';
import { SqliteEventStore } from '../store/sqlite/sqlite-event-store';
import { projectionContextOf } from './context';
import { ProjectionRunner } from './projection-runner';
import { ReadModelDb } from './read-model-db';
import type { ThreadMessage, ThreadRequest, ThreadSettings } from './projection-thread';

const settings = (workerData as { settings: ThreadSettings }).settings;
const port = parentPort!;
const post = (message: ThreadMessage) => port.postMessage(message);

let store: SqliteEventStore | null = null;
let readModels: ReadModelDb | null = null;
let runner: ProjectionRunner | null = null;
let audit: SqliteMerkleLog | null = null;

try {
  store = new SqliteEventStore({ file: settings.dbFile, readOnly: true, pollIntervalMs: settings.pollIntervalMs });
  readModels = ReadModelDb.open(settings.readModelFile);
  const opened = { store, readModels };
  const status = (): ThreadMessage => {
    const error = runner?.error;
    return {
      kind: 'status',
      position: runner?.position ?? 0,
      generation: runner?.generation ?? null,
      failure: runner?.failure ?? null,
      error: error === null || error === undefined ? null : error instanceof Error ? error.message : String(error),
    };
  };
  runner = new ProjectionRunner(opened.store, opened.readModels, projectionContextOf(settings), {
    log: (message) => post({ kind: 'log', message }),
    alarm: (message) => post({ kind: 'alarm', message }),
    changed: () => post(status()),
  });
  runner.start();
  if (settings.auditFile) {
    audit = SqliteMerkleLog.open(settings.auditFile, store);
    audit.follow((error) =>
      post({ kind: 'alarm', message: `the Merkle log stopped following the event store: ${error instanceof Error ? error.message : String(error)}` }),
    );
  }
  post({ ...status(), kind: 'started' } as ThreadMessage);
} catch (error) {
  post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
}

port.on('message', (request: ThreadRequest) => {
  if (request.kind === 'appended') return store?.noticeAppended();
  void (async () => {
    try {
      audit?.stopFollowing();
      await runner?.stop();
    } finally {
      await audit?.close();
      readModels?.close();
      await store?.close();
      post({ kind: 'stopped' });
      port.close();
    }
  })();
});
