import type { DomainEvent } from './metadata';
import type { Money } from './fund-line.events';

/**
 * Which money (or which activities) a stated figure is about: the dimensions of a fund line, each optional
 * except programme and unit. An absent dimension means "all of them": a figure for Dự án 3 covers DA3.TDA1
 * and DA3.TDA2, a figure for the unit covers its communes, a figure without source covers every source.
 */
export interface FigureScope {
  readonly programme: string;
  /** Official unit code; the figure covers the unit and the units under it. */
  readonly unit: string;
  /** Project or sub-project code; absent for the whole programme. Covers the sub-projects under it. */
  readonly component?: string;
  /** Content item under the component (nội dung), e.g. "HT" or "DTBD". */
  readonly content?: string;
  /** Năm kế hoạch. Absent for figures of a whole period (a 2021-2025 plan). */
  readonly budgetYear?: number;
  readonly originYear?: number;
  /** Sources the figure adds up (one or several: "ngân sách địa phương" is every NSDP-* source). Absent: all. */
  readonly sources?: readonly string[];
  readonly capitalType?: string;
  /** One activity's money or outputs. */
  readonly activityId?: string;
}

/** The document that states figures: a report, a plan. Kept with each figure so the finding can cite it. */
export interface FigureDocument {
  /** Identifier chosen by the journal, e.g. "VQ-KH-GNBV-2025". */
  readonly id: string;
  readonly title: string;
  readonly issuer?: string;
  readonly number?: string;
}

/** A percentage stated beside a figure: "17.015 triệu đồng = 17,22% KH". */
export interface StatedRate {
  /** The percentage as written, as a decimal string with "." ("17.22"). */
  readonly percent: string;
  /** Decimal places it was written with: the precision the check rounds to. */
  readonly decimals: number;
  /** Assertion (of the same document) whose figure is the 100 %, e.g. the plan. */
  readonly of?: string;
}

/**
 * What a document says a figure is. Money figures (plan, allocated, unallocated, disbursed, ...) are checked
 * against the ledger; estimates (ước thực hiện), proposals (dự kiến, nhu cầu vốn) and targets are kept apart
 * and checked only against the document's own totals and rates.
 */
export type FigureMeasure =
  | 'plan'
  | 'funds'
  | 'allocated'
  | 'unallocated'
  | 'disbursed'
  | 'available'
  | 'carriedIn'
  | 'carriedOut'
  | 'returned'
  | 'estimate'
  | 'proposed'
  | 'output'
  | 'target'
  | 'not-implemented';

/**
 * Số liệu nêu trong văn bản: a figure a document states, recorded so that an auditor sees what the documents
 * said, where and when it was recorded, and the reconciliation can compare it with the ledger. It moves no money.
 */
export type FigureStated = DomainEvent<'FigureStated', {
  /** Unique within its document. */
  readonly assertionId: string;
  readonly document: FigureDocument;
  /** Where in the document, e.g. "A.II.1" or "A.IV.3 (Dự án 3), đoạn 1". */
  readonly section: string;
  /** The words of the document, verbatim. */
  readonly quote?: string;
  readonly measure: FigureMeasure;
  readonly scope: FigureScope;
  /**
   * The part of the scope the figure counts when its dimensions cannot say it: "chuyển tiếp" and "khởi công
   * mới" projects of one sub-project, "chăn nuôi" and "trồng trọt" models. Figures of different categories
   * are different figures, not conflicting statements of one.
   */
  readonly category?: string;
  /** The date the figure refers to ("đến 30/6/2024"), YYYY-MM-DD. */
  readonly asOf: string;
  /** Exact đồng, "0" allowed: a document may state that nothing was disbursed. */
  readonly amount?: Money;
  /** Đồng value of the last digit written ("17.015 triệu" → 1000000): the precision of the figure. */
  readonly resolution?: Money;
  /** A physical figure: catalogue indicator and quantity (decimal string). */
  readonly indicator?: string;
  readonly quantity?: string;
  readonly rate?: StatedRate;
  /**
   * Each list names assertions (of the same document) this figure is said to be the sum of; a figure may
   * have several breakdowns (by source, by component).
   */
  readonly parts?: readonly (readonly string[])[];
  /**
   * "Trong đó" (v2): assertions of the same document this figure is a part of. A part never exceeds its whole;
   * unlike `parts`, the other parts need not be stated.
   */
  readonly partOf?: readonly string[];
  /** "x of y" (v2): the figure counts `quantity` out of a total: "02/16 công trình". */
  readonly outOf?: StatedTotal;
  readonly note?: string;
}>;

/** The y of "x of y": as written beside the count, and/or the figure of the same document that states it. */
export interface StatedTotal {
  /** The total written with the count ("16" of "02/16"), a decimal string. */
  readonly total?: string;
  /** The assertion that states the total elsewhere in the document ("18 công trình"). */
  readonly of?: string;
}

/**
 * What a reconciliation finding is about, as its id says: a figure of a document (kind, unit, document,
 * assertion, and the facet when a figure can have several findings of one kind: "sumOf[1]", "partOf[0]",
 * "rate.of", "outOf"), or a fund line of the ledger (kind, line stream, activity).
 */
export type FindingSubject =
  | { readonly kind: string; readonly unit: string; readonly document: string; readonly assertionId: string; readonly facet?: string }
  | { readonly kind: string; readonly line: string; readonly activityId?: string };

/**
 * Giải trình: an authorised user explains a reconciliation finding, by a document (the explanation) or a
 * correcting decision. The finding stays listed, marked explained, with who recorded it and when. It moves no money.
 */
export type FindingExplained = DomainEvent<'FindingExplained', {
  /** The finding's id as the reconciliation gives it, e.g. "assertion-mismatch|184|VQ-KH-GNBV-2025|a-nsdp". */
  readonly findingId: string;
  readonly subject: FindingSubject;
  readonly explanation: string;
}>;

export type JournalEvent = FigureStated | FindingExplained;

export const JOURNAL_EVENT_TYPES: readonly JournalEvent['type'][] = ['FigureStated', 'FindingExplained'];
