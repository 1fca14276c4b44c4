import type { FindingSubject } from '../../../events';
import { FUND_LINE_STREAM_PREFIX } from '../../fund-line/fund-line.key';

/**
 * Đối chiếu: the kinds of finding the reconciliation reports (src/journal/reconciliation.ts says what each means).
 * Defined here, beside the finding's id, because explanations name findings by it.
 */
export const FINDING_KINDS = [
  'assertion-mismatch',
  'total-not-sum-of-parts',
  'part-exceeds-whole',
  'fraction-total-mismatch',
  'rate-mismatch',
  'conflicting-statements',
  'disbursed-beyond-allocation',
  'money-on-not-implemented',
  'unresolved-reference',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** "|" is in no unit code, document id, assertion id or stream name: the id splits back without ambiguity. */
const SEP = '|';

/**
 * A finding's stable id, the same on every run while the figures it is about stay: what an explanation names.
 *  figure:  assertion-mismatch|184|VQ-KH-GNBV-2025|a-nsdp            (kind|unit|document|assertion[|facet])
 *  ledger:  disbursed-beyond-allocation|fundline-…:184|VQ24-DA5       (kind|line stream[|activity])
 */
export function findingId(subject: FindingSubject): string {
  if ('line' in subject) return [subject.kind, subject.line, ...(subject.activityId ? [subject.activityId] : [])].join(SEP);
  return [subject.kind, subject.unit, subject.document, subject.assertionId, ...(subject.facet ? [subject.facet] : [])].join(SEP);
}

/** The subject an id names, or a sentence saying what is wrong with it. */
export function parseFindingId(id: string): FindingSubject | string {
  const parts = id.split(SEP);
  const kind = parts[0];
  if (!(FINDING_KINDS as readonly string[]).includes(kind)) {
    return `"${kind}" is not a kind of finding; a finding id starts with one of: ${FINDING_KINDS.join(', ')}`;
  }
  if (parts[1]?.startsWith(FUND_LINE_STREAM_PREFIX)) {
    if (parts.length > 3 || parts.some((p) => p === '')) return 'a finding about a fund line is kind|line stream[|activity id]';
    return { kind, line: parts[1], ...(parts[2] ? { activityId: parts[2] } : {}) };
  }
  if (parts.length < 4 || parts.length > 5 || parts.some((p) => p === '')) {
    return 'a finding about a stated figure is kind|unit|document|assertion[|facet], as the reconciliation gives it';
  }
  return { kind, unit: parts[1], document: parts[2], assertionId: parts[3], ...(parts[4] ? { facet: parts[4] } : {}) };
}
