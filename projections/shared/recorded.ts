import type { ActivityEvent, DomainEvent, FundLineEvent, LedgerEvent, RecordedEvent } from '../../events';

/**
 * A recorded event as a discriminated union: RecordedEvent<A | B> keeps `type` and `data` apart, so a
 * switch on `type` would not narrow `data`; Recorded<A | B> is RecordedEvent<A> | RecordedEvent<B>.
 */
export type Recorded<E extends DomainEvent> = E extends DomainEvent ? RecordedEvent<E> : never;
export type RecordedFundLineEvent = Recorded<FundLineEvent>;
export type RecordedActivityEvent = Recorded<ActivityEvent>;
export type RecordedLedger = Recorded<LedgerEvent>;
