import type { FundLineKey } from '../../events';
import { codePath, keySegments } from './fund-line.dimensions';

export { canonicalFundLineKey } from './fund-line.dimensions';

export const FUND_LINE_STREAM_PREFIX = 'fundline-';
export const ACTIVITY_STREAM_PREFIX = 'activity-';

/**
 * The one place that turns a fund line's dimensions into its stream name: the same dimensions always
 * name the same stream, e.g. "fundline-GNBV-2021-2025:DA5:2024:2024:NSTW:SN:183" (the segments of
 * fund-line.dimensions.ts, in canonical order). Stream names are stored forever: never change the format.
 */
export function fundLineStream(key: FundLineKey): string {
  return FUND_LINE_STREAM_PREFIX + keySegments(key).join(':');
}

/** Stream of one activity. */
export function activityStream(activityId: string): string {
  return ACTIVITY_STREAM_PREFIX + activityId;
}

/** Short human label used in messages: "DA5/NSTW/SN/2024@183", with "(from 2023)" for carried-over money. */
export function fundLineLabel(key: FundLineKey): string {
  const origin = key.originYear !== key.budgetYear ? ` (from ${key.originYear})` : '';
  return `${codePath(key, 'component')}/${key.source}/${key.capitalType}/${key.budgetYear}${origin}@${key.unit}`;
}

export function sameFundLine(a: FundLineKey, b: FundLineKey): boolean {
  return fundLineStream(a) === fundLineStream(b);
}
