/** What the recording forms offer to pick from: the unit's lines, a line's activities and disbursements. */
import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api';
import { useApi } from '../../state';
import type { BalanceRow, BalancesResult, HistoryResult } from '../../types';

/**
 * Every fund line of a programme in the unit (and the units under it), newest budget year first. After a command,
 * pass its position as minPosition: the answer then includes it (read your own writes).
 */
export function useUnitLines(programme: string | undefined, unit: string, minPosition?: number): { lines: readonly BalanceRow[]; reload: () => void } {
  const loaded = useApi<BalancesResult>(programme ? '/balances' : null, { programme, unit, pageSize: 500, minPosition });
  const lines = useMemo(
    () => [...(loaded.data?.rows ?? [])].sort((a, b) => Number(b.group.budgetYear) - Number(a.group.budgetYear) || String(a.label).localeCompare(String(b.label))),
    [loaded.data],
  );
  return { lines, reload: loaded.reload };
}

/** The activities that have money on a line, and its disbursements not yet reversed. */
export function useLineDetails(stream: string, minPosition?: number) {
  const history = useApi<HistoryResult>(stream ? `/fund-lines/${encodeURIComponent(stream)}/history` : null, { pageSize: 500, minPosition });
  return useMemo(() => {
    const entries = history.data?.entries ?? [];
    const activities = [...new Set(entries.map((e) => e.activityId).filter((a): a is string => Boolean(a)))].sort();
    const reversed = new Set(entries.filter((e) => e.type === 'DisbursementReversed').map((e) => e.reference));
    const disbursements = entries.filter((e) => e.type === 'Disbursed' && e.reference && !reversed.has(e.reference));
    return { activities, disbursements };
  }, [history.data]);
}

/**
 * Activity ids known in the unit: those with money on any of its lines. (Registered activities without money
 * yet are typed by hand; a read model listing activities would replace this walk over the lines.)
 */
export function useUnitActivities(lines: readonly BalanceRow[]): readonly string[] {
  const [ids, setIds] = useState<readonly string[]>([]);
  const streams = lines.map((l) => l.stream).join('|');
  useEffect(() => {
    let cancelled = false;
    const list = streams ? streams.split('|') : [];
    void Promise.all(list.map((s) => api.get<HistoryResult>(`/fund-lines/${encodeURIComponent(s)}/history`, { pageSize: 500 }).catch(() => null))).then((results) => {
      if (cancelled) return;
      const all = new Set<string>();
      for (const r of results) for (const e of r?.entries ?? []) if (e.activityId) all.add(e.activityId);
      setIds([...all].sort());
    });
    return () => {
      cancelled = true;
    };
  }, [streams]);
  return ids;
}
