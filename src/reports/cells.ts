/**
 * A figure of a report and what it was computed from. Every figure a report shows is a Cell: its exact value and
 * the query behind it, so that it can be checked against the ledger later (`ledger report verify`).
 */
export type CellKind = 'money' | 'rate' | 'quantity' | 'count' | 'text';

export interface CellQuery {
  /**
   * The read-model queries (HTTP GET paths, exactly as the API answers them) whose answers make the figure, when it
   * comes from the ledger.
   */
  readonly get?: readonly string[];
  /** How the figure follows from their answers ("total.plan + total.carriedIn"), or from a stated figure. */
  readonly expression: string;
}

export interface Cell {
  readonly kind: CellKind;
  /**
   * Exact decimal string: đồng for money (never rounded), a fraction with 6 places for a rate (0.172215 = 17,22 %), a
   * decimal quantity; null when the figure does not exist (a rate of nothing); text for text.
   */
  readonly value: string | null;
  readonly query?: CellQuery;
}

export const text = (value: string): Cell => ({ kind: 'text', value });

/** A query string from parameters, leaving out the absent ones. */
export function path(route: string, params: Readonly<Record<string, string | number | null | undefined>>): string {
  const q = Object.entries(params)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');
  return q ? `${route}?${q}` : route;
}
