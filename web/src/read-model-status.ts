/** What the read models' status means for the figures a page shows (components/read-model-notice.tsx says it). */
import { formatQuantity } from './format';

/** The messages it is said in (i18n.tsx), and their parameters. */
export type ReadModelMessage = 'readModels.rebuilding' | 'readModels.rebuildingIndexes' | 'readModels.rebuilt' | 'readModels.stopped';
type Say = (key: ReadModelMessage, params?: Readonly<Record<string, string | number>>) => string;

/** `GET /read-models/status`, as far as the notice reads it. */
export interface ReadModelStatus {
  readonly position: number;
  readonly head: number;
  readonly failing: { readonly position: number | null; readonly eventId: string | null; readonly message: string } | null;
  readonly rebuilding: { readonly position: number; readonly head: number; readonly phase: 'events' | 'indexes'; readonly since: string } | null;
}

export type Notice =
  | { readonly kind: 'rebuilding'; readonly text: string }
  | { readonly kind: 'stopped'; readonly text: string }
  /** A rebuild seen under way is over: the page shows what it read before, empty. */
  | { readonly kind: 'rebuilt'; readonly text: string };

/** What the notice says for a status (and whether a rebuild was seen under way before it), or null: nothing to say. */
export function noticeOf(status: ReadModelStatus, sawRebuild: boolean, t: Say): Notice | null {
  const r = status.rebuilding;
  if (r) {
    if (r.phase === 'indexes') return { kind: 'rebuilding', text: t('readModels.rebuildingIndexes', { head: formatQuantity(r.head) }) };
    const percent = r.head > 0 ? Math.floor((100 * r.position) / r.head) : 0;
    return { kind: 'rebuilding', text: t('readModels.rebuilding', { percent, position: formatQuantity(r.position), head: formatQuantity(r.head) }) };
  }
  if (status.failing) {
    return {
      kind: 'stopped',
      text: t('readModels.stopped', { position: formatQuantity(status.position), head: formatQuantity(status.head), message: status.failing.message }),
    };
  }
  return sawRebuild ? { kind: 'rebuilt', text: t('readModels.rebuilt') } : null;
}
