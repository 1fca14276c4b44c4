import type { RecordedEvent } from './metadata';

/**
 * One step in the life of an event type's shape: turns the data of an event stored at version `from` into the
 * data of version `from + 1`. Pure: the same stored event always reads back the same.
 */
export interface Upcaster {
  readonly type: string;
  readonly from: number;
  up(data: unknown, event: RecordedEvent): unknown;
}

/**
 * Event versions read back. Type strings are stored forever and events are never rewritten: when a type changes
 * shape, its current version goes up by one (EVENT_SCHEMA_VERSION) and an upcaster turns the old shape into the
 * new one. Every read path of the store port (readStream, readAll, subscribeToAll, streamAll) hands what it read
 * through `upcast`, which chains the steps from the stored version to the current one, so deciders and folds only
 * ever see current shapes.
 *
 * The audit reads events as stored instead (the port's `asStored` option): a Merkle leaf is the hash of the event
 * as it was appended, and an upcast event would no longer hash to it.
 */
export class Upcasters {
  private readonly current: ReadonlyMap<string, number>;
  private readonly steps: ReadonlyMap<string, Upcaster>;

  /** `current`: the current version of each type; `upcasters`: for each type, a step from every older version (1, 2, ...). */
  constructor(current: Readonly<Record<string, number>>, upcasters: readonly Upcaster[]) {
    this.current = new Map(Object.entries(current));
    const steps = new Map<string, Upcaster>();
    for (const u of upcasters) {
      const version = this.current.get(u.type);
      if (version === undefined) throw new Error(`upcaster for ${u.type}: no current version is declared for that type`);
      if (!Number.isInteger(u.from) || u.from < 1 || u.from >= version) {
        throw new Error(`upcaster for ${u.type} from version ${u.from}: the current version is ${version}, so steps go from 1 to ${version - 1}`);
      }
      if (steps.has(stepKey(u.type, u.from))) throw new Error(`two upcasters for ${u.type} from version ${u.from}`);
      steps.set(stepKey(u.type, u.from), u);
    }
    for (const [type, version] of this.current) {
      if (!Number.isInteger(version) || version < 1) throw new Error(`${type}: the current version must be a whole number from 1, not ${version}`);
      for (let from = 1; from < version; from++) {
        if (!steps.has(stepKey(type, from))) throw new Error(`${type} is at version ${version} but has no upcaster from version ${from}`);
      }
    }
    this.steps = steps;
  }

  /** The event with the data of its type's current version. Types without a declared version pass unchanged. */
  upcast<E extends RecordedEvent>(event: E): E {
    const current = this.current.get(event.type);
    if (current === undefined || event.version === current) return event;
    if (!Number.isInteger(event.version) || event.version < 1 || event.version > current) {
      throw new Error(
        `event ${String(event.metadata?.eventId)} (${event.type}, position ${event.position}) is stored at version ${event.version}; ` +
          `this ledger reads ${event.type} at versions 1 to ${current}${event.version > current ? ': it was written by a newer ledger' : ''}`,
      );
    }
    let data = event.data;
    for (let from = event.version; from < current; from++) data = (this.steps.get(stepKey(event.type, from)) as Upcaster).up(data, event);
    return { ...event, version: current, data };
  }

  /** Upcasts a freshly read array in place and returns it. */
  upcastAll<E extends RecordedEvent>(events: E[]): E[] {
    for (let i = 0; i < events.length; i++) events[i] = this.upcast(events[i]);
    return events;
  }
}

const stepKey = (type: string, from: number) => `${type}@${from}`;
