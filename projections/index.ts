/**
 * What the ledger shows: pure folds over the log, each with the event types it handles. The SQLite
 * plumbing that feeds them (checkpointed subscription, tables, rebuild, queries) is in src/projections/.
 *
 *  fund-line-balance   evolveFundLineBalance: counters per line (and sums of lines); balanceFigures derives
 *                      plan, funds, unallocated, available with src/fund-line/fund-line.state.ts
 *  fund-line-history   historyEntry + evolveRunningBalance: each event of a line and the balance after it
 *  activity-progress   activityFact + evolveActivityProgress: kind, status, money, beneficiaries, outputs;
 *                      valid-time aware (later effective date wins), so the same fold answers "as of"
 *  decision-trail      evolveDecision: what each decision caused; adjustmentOf: the adjustments list
 */
export * from './fund-line-balance';
export * from './fund-line-history';
export * from './activity-progress';
export * from './decision-trail';
export * from './context';
export * from './cents';
export type * from './recorded';
