import type { DomainEvent, LegalBasis } from '../../events';
import type { OWN_ACCOUNT, Principal, Right } from '../identity/rights';

/**
 * What every command carries besides its own fields. The clock and ids come in here, decided at the
 * edge, so deciders stay pure.
 */
export interface CommandContext {
  readonly commandId: string;
  /** Who asks; its grants decide, and the grant used is recorded as each event's actor. */
  readonly principal: Principal;
  /** The right the command needs in the scope of every unit it touches. */
  readonly right: Right | typeof OWN_ACCOUNT;
  /** Transaction time of the events this command will produce (ISO instant). */
  readonly now: string;
  readonly correlationId: string;
  readonly idempotencyKey?: string;
  /** Revision of the command's primary stream the client based its decision on (If-Match), if any. */
  readonly expectedRevision?: number;
}

/** Legal basis and valid time of a command. effectiveDate defaults to the basis' date. */
export interface Basis {
  readonly legalBasis: LegalBasis;
  readonly effectiveDate: string;
}

/** Events a decider produced for one stream. */
export interface StreamEvents {
  readonly stream: string;
  readonly events: readonly DomainEvent[];
}
