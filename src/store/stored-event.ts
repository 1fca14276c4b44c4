import type { RecordedEvent } from '../../events';

/** An event as the SQL adapters store it: data and metadata as the JSON text written. */
export interface StoredEvent {
  readonly position: number | string;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly version: number;
  readonly data: string;
  readonly metadata: string;
}

/** The event read back: a bigint position (PostgreSQL returns its text) as a number, data and metadata parsed. */
export function toRecordedEvent(r: StoredEvent): RecordedEvent {
  return {
    stream: r.stream,
    revision: r.revision,
    position: Number(r.position),
    type: r.type,
    version: r.version,
    data: JSON.parse(r.data),
    metadata: JSON.parse(r.metadata),
  };
}
