/**
 * Metadata carried by every event of the ledger. Plain data, stored forever: field names never change.
 */

/**
 * Who recorded an event: the authenticated principal and the grant that allowed it, as held at that moment —
 * never a claim sent by the client. Events recorded before sign-in existed carry { id, role } only.
 */
export interface Actor {
  /** The user id (`oidc:<subject>` for a user of an OpenID Connect provider). */
  readonly id: string;
  /** The role of the grant used, e.g. "accountant". */
  readonly role: string;
  /** The display name at that moment. */
  readonly name?: string;
  /** The scope of the grant used: a unit code, or VN for the whole country. */
  readonly scope?: string;
  /** How the principal authenticated: password (a session), api-token, oidc, console (the `ledger` command on the server). */
  readonly via?: string;
}

/** Quyết định: a legal decision, e.g. "Quyết định số 4888/QĐ-UBND ngày 22/12/2023 của UBND huyện Văn Quan". */
export interface DecisionBasis {
  readonly kind: 'decision';
  /** Số quyết định, e.g. "4888/QĐ-UBND". */
  readonly number: string;
  /** Ngày ký, ISO calendar date YYYY-MM-DD. */
  readonly date: string;
  /** Cơ quan ban hành, e.g. "UBND huyện Văn Quan". */
  readonly issuer: string;
}

/** Chứng từ Kho bạc: a State Treasury voucher, the basis of a disbursement or of its reversal. */
export interface VoucherBasis {
  readonly kind: 'voucher';
  readonly number: string;
  readonly date: string;
  /** Kho bạc Nhà nước that processed it, e.g. "KBNN Văn Quan". */
  readonly treasury: string;
}

/** Any other document: acceptance minutes (biên bản nghiệm thu), a report, an approved plan. */
export interface DocumentBasis {
  readonly kind: 'document';
  readonly title: string;
  readonly number?: string;
  readonly date: string;
  readonly issuer?: string;
}

export type LegalBasis = DecisionBasis | VoucherBasis | DocumentBasis;

/** The legal basis of a money, activity or figure event, which always has one. */
export function legalBasisOf(m: { readonly legalBasis?: LegalBasis; readonly eventId: string }): LegalBasis {
  if (!m.legalBasis) throw new Error(`event ${m.eventId} has no legal basis; only account events may lack one`);
  return m.legalBasis;
}

export interface EventMetadata {
  readonly eventId: string;
  readonly actor: Actor;
  /** Transaction time: when the ledger recorded the event (ISO instant, UTC). */
  readonly recordedAt: string;
  /** Valid time: the date the decision or voucher takes effect (YYYY-MM-DD). */
  readonly effectiveDate: string;
  /** Every money, activity and figure event has one; an account event (user-*) only when the administrator cited one. */
  readonly legalBasis?: LegalBasis;
  readonly correlationId: string;
  readonly causationId: string;
  /** Idempotency key of the command that produced the event, when the client gave one. */
  readonly idempotencyKey?: string;
  /** The command that produced the event, e.g. "AllocateFunds". */
  readonly command: string;
}

/** An event as the domain produces it, before the store gives it a place in the log. */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly version: number;
  readonly data: TData;
}

/** An event with its metadata, ready to append. */
export interface EventToAppend<E extends DomainEvent = DomainEvent> {
  readonly type: E['type'];
  readonly version: number;
  readonly data: E['data'];
  readonly metadata: EventMetadata;
}

/** An event as read back from the store. Revision is 0-based within its stream; position is the global log position. */
export interface RecordedEvent<E extends DomainEvent = DomainEvent> extends EventToAppend<E> {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
}
