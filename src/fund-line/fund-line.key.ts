import type { FundLineKey } from '../../events';

/**
 * The one place that turns a fund line's dimensions into its stream name: the same dimensions always
 * name the same stream, e.g. "fundline-GNBV-2021-2025:DA5:2024:2024:NSTW:SN:183".
 */
export function fundLineStream(key: FundLineKey): string {
  const component = key.content ? `${key.component}.${key.content}` : key.component;
  return `fundline-${key.programme}:${component}:${key.budgetYear}:${key.originYear}:${key.source}:${key.capitalType}:${key.unit}`;
}

/** Stream of one activity. */
export function activityStream(activityId: string): string {
  return `activity-${activityId}`;
}

export const FUND_LINE_STREAM_PREFIX = 'fundline-';
export const ACTIVITY_STREAM_PREFIX = 'activity-';

/** Short human label used in messages: "DA5/NSTW/SN/2024@183", with "(from 2023)" for carried-over money. */
export function fundLineLabel(key: FundLineKey): string {
  const component = key.content ? `${key.component}.${key.content}` : key.component;
  const origin = key.originYear !== key.budgetYear ? ` (from ${key.originYear})` : '';
  return `${component}/${key.source}/${key.capitalType}/${key.budgetYear}${origin}@${key.unit}`;
}

/** The key with its fields in canonical order and no undefined members, as stored in events. */
export function canonicalFundLineKey(key: FundLineKey): FundLineKey {
  return {
    programme: key.programme,
    component: key.component,
    ...(key.content ? { content: key.content } : {}),
    budgetYear: key.budgetYear,
    originYear: key.originYear,
    source: key.source,
    capitalType: key.capitalType,
    unit: key.unit,
  };
}

export function sameFundLine(a: FundLineKey, b: FundLineKey): boolean {
  return fundLineStream(a) === fundLineStream(b);
}
