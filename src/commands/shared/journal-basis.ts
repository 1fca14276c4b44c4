import type { JournalBody, JournalReader } from '../slice';
import { withoutUndefined } from '../slice';

/** A journal entry's decision or document (named in the journal or written out) as the request's basis fields. */
export function journalBasis(body: JournalBody, j: JournalReader): JournalBody {
  const doc = body.document === undefined ? undefined : j.document(body.document, 'document');
  return {
    decision: body.decision === undefined ? undefined : j.decision(body.decision),
    document: doc ? withoutUndefined({ title: doc.title, number: doc.number, date: doc.date, issuer: doc.issuer }) : undefined,
  };
}
