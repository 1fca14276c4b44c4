import type { FundLineKey, RecordedEvent } from '../../events';
import { activityStream, FUND_LINE_STREAM_PREFIX, fundLineLabel } from '../fund-line/fund-line.key';
import { InvalidRequest } from '../shared/errors';
import type { EventStore } from '../store/event-store.port';
import type { BundleSelection } from './verifier/formats';

/** What an auditor asks a bundle for, as typed on the command line or in the query string. */
export type BundleQuery =
  | { readonly line: string }
  | { readonly activity: string }
  | { readonly decision: string; readonly issuer?: string; readonly date?: string };

export interface BundleQueryInput {
  readonly line?: string;
  readonly activity?: string;
  readonly decision?: string;
  readonly issuer?: string;
  readonly date?: string;
}

/** Exactly one of line, activity, decision; issuer and date only narrow a decision. Throws InvalidRequest otherwise. */
export function parseBundleQuery(input: BundleQueryInput): BundleQuery {
  const given = (['line', 'activity', 'decision'] as const).filter((name) => input[name] !== undefined && input[name] !== '');
  if (given.length !== 1) {
    throw InvalidRequest.field('line, activity, decision', given.length === 0 ? 'give one of them' : `give exactly one of them, not ${given.join(' and ')}`);
  }
  if (given[0] !== 'decision' && (input.issuer !== undefined || input.date !== undefined)) {
    throw InvalidRequest.field(input.issuer !== undefined ? 'issuer' : 'date', 'issuer and date narrow a decision only');
  }
  if (input.line) return { line: input.line };
  if (input.activity) return { activity: input.activity };
  return {
    decision: input.decision as string,
    ...(input.issuer ? { issuer: input.issuer } : {}),
    ...(input.date ? { date: input.date } : {}),
  };
}

/** A bundle's selection matches no event (HTTP 404). */
export class NothingSelected extends Error {
  override readonly name = 'NothingSelected';
}

/**
 * The recorded events a query selects, in global order, as stored (a bundle proves each event's leaf, which was
 * hashed from the event as appended). A line is its stream name or its label, e.g. "DA5/NSTW/SN/2024@183".
 */
export async function selectEvents(
  store: EventStore,
  query: BundleQuery,
): Promise<{ selection: BundleSelection; events: RecordedEvent[] }> {
  if ('line' in query && query.line.startsWith(FUND_LINE_STREAM_PREFIX)) {
    return { selection: { kind: 'line', stream: query.line }, events: await store.readStream(query.line, 0, { asStored: true }) };
  }
  if ('line' in query) return selectLineByLabel(store, query.line);
  const selection: BundleSelection =
    'activity' in query
      ? { kind: 'activity', activityId: query.activity }
      : {
          kind: 'decision',
          number: query.decision,
          ...(query.issuer ? { issuer: query.issuer } : {}),
          ...(query.date ? { date: query.date } : {}),
        };
  const matches = 'activity' in query ? concernsActivity(query.activity) : underDecision(query);
  const events: RecordedEvent[] = [];
  for await (const page of store.streamAll(0, { asStored: true })) events.push(...page.filter(matches));
  return { selection, events };
}

/** An activity's events: its own stream, and the fund-line events that allocate, move, carry or pay its money. */
export function concernsActivity(activityId: string): (e: RecordedEvent) => boolean {
  const stream = activityStream(activityId);
  return (e) => {
    if (e.stream === stream) return true;
    if (!e.stream.startsWith(FUND_LINE_STREAM_PREFIX)) return false;
    const data = e.data as { activityId?: unknown; fromActivityId?: unknown; toActivityId?: unknown };
    return data.activityId === activityId || data.fromActivityId === activityId || data.toActivityId === activityId;
  };
}

export function underDecision(query: { decision: string; issuer?: string; date?: string }): (e: RecordedEvent) => boolean {
  return (e) => {
    const basis = e.metadata.legalBasis;
    return (
      basis?.kind === 'decision' &&
      basis.number === query.decision &&
      (query.issuer === undefined || basis.issuer === query.issuer) &&
      (query.date === undefined || basis.date === query.date)
    );
  };
}

async function selectLineByLabel(store: EventStore, label: string): Promise<{ selection: BundleSelection; events: RecordedEvent[] }> {
  const byStream = new Map<string, RecordedEvent[]>();
  for await (const page of store.streamAll(0, { asStored: true })) {
    for (const e of page) {
      const line = (e.data as { line?: FundLineKey }).line;
      if (!e.stream.startsWith(FUND_LINE_STREAM_PREFIX) || !line || fundLineLabel(line) !== label) continue;
      const events = byStream.get(e.stream) ?? [];
      events.push(e);
      byStream.set(e.stream, events);
    }
  }
  if (byStream.size > 1) {
    // Labels leave out the programme, so two programmes can share one.
    throw InvalidRequest.field('line', `"${label}" names ${byStream.size} fund lines; give the stream: ${[...byStream.keys()].join(', ')}`);
  }
  const [found] = byStream;
  if (!found) throw new NothingSelected(`no fund line is labelled "${label}"`);
  return { selection: { kind: 'line', stream: found[0] }, events: found[1] };
}
