/**
 * The projection thread's worker (started by ProjectionThread through shared/workers.ts): a ProjectionRunner that
 * follows the log with connections of its own (the SQLite file read-only, or a small PostgreSQL pool listening for
 * commits) and folds into the read-model files (and, when asked, the Merkle log following the log), reporting its
 * position, generation and failure to the main thread after each change. On SQLite the main thread tells it when a
 * commit landed, so that it reads the log at once instead of at its next poll; on PostgreSQL the store's notifications do.
 */
import { parentPort } from 'node:worker_threads';
import { dataOfThisWorker } from '../shared/workers';
import { MerkleLog, openMerkleLog } from '../audit/merkle-log';
import type { EventStore } from '../store/event-store.port';
import { SqliteEventStore } from '../store/sqlite/sqlite-event-store';
import { projectionContextOf } from './context';
import { ProjectionRunner } from './projection-runner';
import { ReadModelDb, onServer } from './read-model-db';
import { firstFillOf } from './rebuild-thread';
import type { ThreadMessage, ThreadRequest, ThreadSettings } from './projection-thread';

const settings = dataOfThisWorker<ThreadSettings>();
const port = parentPort!;
const post = (message: ThreadMessage) => port.postMessage(message);

let store: EventStore | null = null;
let readModels: ReadModelDb | null = null;
let runner: ProjectionRunner | null = null;
let audit: MerkleLog | null = null;

/** The log with connections of this thread's own: the SQLite file read-only, or a small pool on PostgreSQL. */
async function openLog(): Promise<EventStore> {
  const { log, pollIntervalMs } = settings;
  if (log.store === 'postgres') {
    const { PostgresEventStore } = await import('../store/postgres/postgres-event-store');
    return PostgresEventStore.connect({ connectionString: log.databaseUrl as string, poolSize: 2, pollIntervalMs });
  }
  return new SqliteEventStore({ file: log.dbFile, readOnly: true, pollIntervalMs });
}

async function start(): Promise<void> {
  store = await openLog();
  readModels = ReadModelDb.open(settings.readModelLocation);
  const opened = { store, readModels };
  const status = (): ThreadMessage => {
    const error = runner?.error;
    return {
      kind: 'status',
      position: runner?.position ?? 0,
      generation: runner?.generation ?? null,
      failure: runner?.failure ?? null,
      error: error === null || error === undefined ? null : error instanceof Error ? error.message : String(error),
      rebuilding: runner?.rebuilding ?? null,
    };
  };
  runner = new ProjectionRunner(opened.store, opened.readModels, projectionContextOf(settings), {
    log: (message) => post({ kind: 'log', message }),
    alarm: (message) => post({ kind: 'alarm', message }),
    changed: () => post(status()),
    // A long log built from position 0 (first start, or a changed shape or catalogue): rebuilt in two lanes, as the CLI
    // does. Not for read models on PostgreSQL, which every ledger process shares: two starting at once would each rebuild,
    // and a rebuild drops the generations not live, the other's unfinished one among them.
    ...(onServer(settings.readModelLocation)
      ? {}
      : {
          firstFill: firstFillOf(
            { log: settings.log, readModelLocation: settings.readModelLocation, context: { catalogueDir: settings.catalogueDir, redFlagRulesFile: settings.redFlagRulesFile } },
            settings.rebuildFromEvents,
            (message) => post({ kind: 'log', message: `read models: ${message}` }),
          ),
        }),
  });
  runner.start();
  if (settings.audit) {
    audit = await openMerkleLog(settings.audit, store);
    audit.follow((error) =>
      post({ kind: 'alarm', message: `the Merkle log stopped following the event store: ${error instanceof Error ? error.message : String(error)}` }),
    );
  }
  post({ ...status(), kind: 'started' } as ThreadMessage);
}

const started = start().catch((error: unknown) => post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }));

/**
 * How long the commits noticed are gathered before the log is read for them. Each read is two (the read models' and
 * the Merkle log's subscriptions) and costs the same for one commit as for several; the read models wait 20 ms or
 * more before they apply what was read anyway (ProjectionRunner), so a few milliseconds more cost no freshness.
 */
const READ_AFTER_MS = 10;

/** Whether a read of the log is already due for the commits noticed: those that arrive meanwhile make one read. */
let readDue = false;

port.on('message', (request: ThreadRequest) => {
  if (request.kind === 'appended') {
    if (!(store instanceof SqliteEventStore) || readDue) return;
    readDue = true;
    const sqlite = store;
    setTimeout(() => {
      readDue = false;
      sqlite.noticeAppended();
    }, READ_AFTER_MS);
    return;
  }
  void (async () => {
    try {
      await started;
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
