import type { ActivityRegistered, FigureStated, FundLineKey, RecordedEvent } from '../../events';
import { ACTIVITY_STREAM_PREFIX, FUND_LINE_STREAM_PREFIX } from '../fund-line/fund-line.key';
import { covers, type UnitTree, type UnitUse } from '../identity/rights';
import type { EventStore } from '../store/event-store.port';

/**
 * The unit an event is about, for a reader of some scopes: a fund line's unit in its budget year, an activity's unit
 * (from its registration), a stated figure's unit. Account events (user-*) have none: only readers of the whole
 * country see them in a bundle.
 */
async function unitOf(event: RecordedEvent, activityUnit: (stream: string) => Promise<string | undefined>): Promise<UnitUse | undefined> {
  const data = event.data as { line?: FundLineKey; scope?: FigureStated['data']['scope'] };
  if (event.stream.startsWith(FUND_LINE_STREAM_PREFIX) && data.line) return { code: data.line.unit, when: data.line.budgetYear };
  if (event.stream.startsWith(ACTIVITY_STREAM_PREFIX)) {
    const code = await activityUnit(event.stream);
    return code === undefined ? undefined : { code };
  }
  if (event.type === 'FigureStated' && data.scope) return { code: data.scope.unit, when: data.scope.budgetYear };
  return undefined;
}

/** The events a reader of these scopes may see ('all': every one). */
export async function readableEvents(store: EventStore, events: readonly RecordedEvent[], scope: 'all' | readonly string[], tree: UnitTree): Promise<RecordedEvent[]> {
  if (scope === 'all') return [...events];
  const units = new Map<string, Promise<string | undefined>>();
  const activityUnit = (stream: string) => {
    let unit = units.get(stream);
    if (!unit) {
      unit = store.readStream(stream, 0, { maxCount: 1 }).then(([first]) => (first?.type === 'ActivityRegistered' ? (first as RecordedEvent<ActivityRegistered>).data.unit : undefined));
      units.set(stream, unit);
    }
    return unit;
  };
  const kept: RecordedEvent[] = [];
  for (const e of events) {
    const use = await unitOf(e, activityUnit);
    if (use && scope.some((s) => covers(s, use, tree))) kept.push(e);
  }
  return kept;
}
