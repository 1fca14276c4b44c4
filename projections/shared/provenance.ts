import { type EventMetadata, type LegalBasis, legalBasisOf } from '../../events';
import { Row, str } from './sql';

/**
 * Who recorded an event and on what legal basis: the columns every entry table (a line's entries, an activity's
 * entries) ends with, their values, and the basis read back. A decision's events are found by its number, issuer
 * and date in these columns (index: provenanceIndex).
 */
export const PROVENANCE_COLUMNS = `
  actor        TEXT NOT NULL,
  actor_role   TEXT NOT NULL,
  command      TEXT NOT NULL,
  basis_kind   TEXT NOT NULL,
  basis_number TEXT,
  basis_date   TEXT NOT NULL,
  basis_issuer TEXT`;

export const PROVENANCE_COLUMN_NAMES = 'actor, actor_role, command, basis_kind, basis_number, basis_date, basis_issuer';

/** The index that finds a decision's events in an entry table. */
export const decisionIndex = (table: string) => ({
  table,
  name: 'decision',
  definition: "(basis_number, basis_issuer, basis_date) WHERE basis_kind = 'decision'",
});

function issuerOf(b: LegalBasis): string | null {
  return b.kind === 'voucher' ? b.treasury : b.kind === 'decision' ? b.issuer : (b.issuer ?? b.title);
}

/** The values of PROVENANCE_COLUMNS, in order. */
export function provenance(m: EventMetadata) {
  const basis = legalBasisOf(m);
  return [m.actor.id, m.actor.role, m.command, basis.kind, basis.number ?? null, basis.date, issuerOf(basis)] as const;
}

/** The legal basis as an entry row holds it (a document's issuer column holds its issuer or title). */
export function basisOf(r: Row) {
  const kind = str(r.basis_kind);
  const number = r.basis_number === null ? undefined : str(r.basis_number);
  const date = str(r.basis_date);
  const by = r.basis_issuer === null ? undefined : str(r.basis_issuer);
  if (kind === 'voucher') return { kind, number, date, treasury: by };
  if (kind === 'decision') return { kind, number, date, issuer: by };
  return { kind, ...(number ? { number } : {}), date, issuerOrTitle: by };
}

/** Who recorded it, as queries show it. */
export const recordedBy = (r: Row) => ({ id: str(r.actor), role: str(r.actor_role) });
