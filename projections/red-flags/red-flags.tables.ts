import { Tables } from '../read-model';
import { CENTS } from '../shared/cents';

/**
 * The red flags and their evidence (log positions), the reviews, what the fold remembers between events (its
 * documents, as JSON), and what the rules evaluated at query time read: per-unit counts of disbursements and
 * reversals, lines of carried-over money with their deadline. Lists too long for one document (a voucher's
 * disbursements) are kept one item a row (red_flag_items); each voucher's first payment is a row of red_flag_vouchers; an activity's
 * allocation changes and payments on a line are a row each (red_flag_entries). The projector keeps the flags' counts per area, year, rule
 * and review (red_flag_counts) and each rule's longest period (red_flag_spans). Money in cents of any size (shared/cents.ts).
 */
export const RED_FLAG_TABLES = new Tables(
  {
    red_flags: {
      columns: `(
  flag_id        TEXT PRIMARY KEY,
  rule           TEXT NOT NULL,
  subject        TEXT NOT NULL,
  unit           TEXT NOT NULL,
  district       TEXT NOT NULL,
  province       TEXT NOT NULL,
  eff_from       INTEGER NOT NULL,
  eff_to         INTEGER NOT NULL,
  amount         ${CENTS},
  facts          TEXT NOT NULL,
  evidence_count INTEGER NOT NULL,
  last_position  INTEGER NOT NULL
) WITHOUT ROWID`,
      key: 'flag_id',
    },
    red_flag_evidence: {
      columns: `(
  flag_id   TEXT NOT NULL,
  position  INTEGER NOT NULL,
  role      TEXT NOT NULL,
  PRIMARY KEY (flag_id, position)
) WITHOUT ROWID`,
      key: 'flag_id, position',
    },
    // A flag's reviews by its id: the UNIQUE constraint, an index made with the table, so that the projector's lookup of
    // whether a flag was reviewed is a seek during a rebuild's bulk load too (a secondary index is built only at its end).
    red_flag_reviews: {
      columns: `(
  position       INTEGER PRIMARY KEY,
  flag_id        TEXT NOT NULL,
  rule           TEXT NOT NULL,
  note           TEXT NOT NULL,
  actor          TEXT NOT NULL,
  actor_role     TEXT NOT NULL,
  recorded_at    TEXT NOT NULL,
  eff            INTEGER NOT NULL,
  evidence_count INTEGER NOT NULL,
  last_evidence_position INTEGER NOT NULL,
  UNIQUE (flag_id, position)
)`,
      key: 'position',
    },
    red_flag_state: {
      columns: `(key TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID`,
      key: 'key',
    },
    // Each voucher's first payment (DocStore.voucher), in two tables. red_flag_vouchers: the voucher (its 64-bit hash as a
    // signed integer, the table's rowid), the payment's position, and whether the voucher has other payments (then
    // red_flag_state's document v|<voucher> sums them up, and the items of the list v|<voucher> are its payments).
    // red_flag_first_payments: by position, the payment's amount, effective date (yyyy-mm-dd), unit, budget year, and
    // whether reversed. A voucher paid once is only these two rows. There is one for nearly every payment, keyed by a
    // hash, so inserted in no order: that tree is kept to three integers a row, and the payments are appended by position.
    // 3 million inserts took 14.9 s so, against 23.3 s into one table keyed by the hash as text (a micro-benchmark).
    red_flag_vouchers: {
      columns: `(voucher INTEGER PRIMARY KEY, position INTEGER NOT NULL, several INTEGER NOT NULL)`,
      key: 'voucher',
    },
    red_flag_first_payments: {
      columns: `(
  position    INTEGER PRIMARY KEY,
  amount      ${CENTS} NOT NULL,
  eff         TEXT NOT NULL,
  unit        TEXT NOT NULL,
  budget_year INTEGER NOT NULL,
  reversed    INTEGER NOT NULL
)`,
      key: 'position',
    },
    // An activity's money on one line (DocStore.addEntry), one entry a row, never rewritten but for its mark when reversed:
    // the pair (the position of its first event), effective day (yyyymmdd), position, kind (0 an allocation change, 1 a
    // disbursement), amount, the disbursement's id and voucher hash (NULL for an allocation change), whether reversed.
    // The rules read a pair's entries from a day on, or up to a day: the key. A reversal reads its disbursement by id, and
    // a new flag the pair's allocation changes, through the key too: a pair is one activity on one line, a few entries
    // (at most 12 in the 1M benchmark's log), and a second index would cost every insert a seek in a tree as large.
    red_flag_entries: {
      columns: `(
  pair         INTEGER NOT NULL,
  eff          INTEGER NOT NULL,
  position     INTEGER NOT NULL,
  kind         INTEGER NOT NULL,
  amount       ${CENTS} NOT NULL,
  disbursement TEXT,
  voucher      TEXT,
  reversed     INTEGER NOT NULL,
  PRIMARY KEY (pair, eff, position)
) WITHOUT ROWID`,
      key: 'pair, eff, position',
    },
    red_flag_items: {
      columns: `(list TEXT NOT NULL, at INTEGER NOT NULL, item TEXT NOT NULL, PRIMARY KEY (list, at)) WITHOUT ROWID`,
      key: 'list, at',
    },
    red_flag_unit_counts: {
      columns: `(
  unit          TEXT NOT NULL,
  budget_year   INTEGER NOT NULL,
  district      TEXT NOT NULL,
  province      TEXT NOT NULL,
  disbursements INTEGER NOT NULL,
  reversals     INTEGER NOT NULL,
  disbursed     ${CENTS} NOT NULL,
  reversed      ${CENTS} NOT NULL,
  PRIMARY KEY (unit, budget_year)
) WITHOUT ROWID`,
      key: 'unit, budget_year',
    },
    red_flag_carried: {
      columns: `(
  stream       TEXT PRIMARY KEY,
  unit         TEXT NOT NULL,
  district     TEXT NOT NULL,
  province     TEXT NOT NULL,
  budget_year  INTEGER NOT NULL,
  deadline     INTEGER NOT NULL,
  carried      ${CENTS} NOT NULL,
  positions    TEXT NOT NULL
) WITHOUT ROWID`,
      key: 'stream',
    },
    // The days asked on which a carried line's money is still unspent after its deadline (unspent.ts): spans [from_day,
    // to_day), to_day 99991231 when open; with the line's place and deadline, and the flag's id, so a list's page of
    // such flags is read in id order from an index alone.
    red_flag_unspent: {
      columns: `(
  stream    TEXT NOT NULL,
  from_day  INTEGER NOT NULL,
  to_day    INTEGER NOT NULL,
  flag_id   TEXT NOT NULL,
  unit      TEXT NOT NULL,
  district  TEXT NOT NULL,
  province  TEXT NOT NULL,
  deadline  INTEGER NOT NULL,
  PRIMARY KEY (stream, from_day)
) WITHOUT ROWID`,
      key: 'stream, from_day',
    },
    // Per area (as in red_flag_counts) and deadline, how many carried lines the rule holds for on the days asked from
    // `day` on (until the area's next row): a list's count of such flags is one seek per deadline. A row only where
    // the number changes.
    red_flag_unspent_days: {
      columns: `(
  area      TEXT NOT NULL,
  deadline  INTEGER NOT NULL,
  day       INTEGER NOT NULL,
  flags     INTEGER NOT NULL,
  PRIMARY KEY (area, deadline, day)
) WITHOUT ROWID`,
      key: 'area, deadline, day',
    },
    // How many stored flags there are per area (country '', or 'unit:', 'district:', 'province:' and a code), calendar year
    // their period overlaps (0: any period), rule and whether reviewed: a list's counts by rule are one seek.
    red_flag_counts: {
      columns: `(
  area     TEXT NOT NULL,
  year     INTEGER NOT NULL,
  rule     TEXT NOT NULL,
  reviewed INTEGER NOT NULL,
  flags    INTEGER NOT NULL,
  PRIMARY KEY (area, year, rule, reviewed)
) WITHOUT ROWID`,
      key: 'area, year, rule, reviewed',
    },
    // The longest period (days from eff_from to eff_to) a stored flag of each rule has had (never lowered): a flag in
    // effect on or before a day ends at most that many days after it, which bounds a list's index range.
    red_flag_spans: {
      columns: `(rule TEXT PRIMARY KEY, days INTEGER NOT NULL) WITHOUT ROWID`,
      key: 'rule',
    },
  },
  [
    // In the lists' order (newest period first, then id), and covering their filters on rule and period: a page's ids
    // and the counts are read from an index alone, in order, whatever the number of flags.
    { table: 'red_flags', name: 'eff', definition: '(eff_to DESC, flag_id, eff_from, rule)' },
    { table: 'red_flags', name: 'rule', definition: '(rule, eff_to DESC, flag_id, eff_from)' },
    { table: 'red_flags', name: 'unit', definition: '(unit, eff_to DESC, flag_id, eff_from, rule)' },
    { table: 'red_flags', name: 'district', definition: '(district, eff_to DESC, flag_id, eff_from, rule)' },
    { table: 'red_flags', name: 'province', definition: '(province, eff_to DESC, flag_id, eff_from, rule)' },
    // The flags of one rule that were reviewed (those of the rules evaluated when asked are few: read them by rule).
    { table: 'red_flag_reviews', name: 'rule', definition: '(rule, flag_id)' },
    { table: 'red_flag_carried', name: 'deadline', definition: '(deadline)' },
    // A unit's carried lines past a deadline: a seek, not a scan of the country's.
    { table: 'red_flag_carried', name: 'unit', definition: '(unit, deadline)' },
    { table: 'red_flag_carried', name: 'district', definition: '(district, deadline)' },
    { table: 'red_flag_carried', name: 'province', definition: '(province, deadline)' },
    // In id order per area, covering the day and deadline conditions: a page of unspent carried lines is a walk from a seek.
    { table: 'red_flag_unspent', name: 'flag', definition: '(flag_id, from_day, to_day, deadline)' },
    { table: 'red_flag_unspent', name: 'unit', definition: '(unit, flag_id, from_day, to_day, deadline)' },
    { table: 'red_flag_unspent', name: 'district', definition: '(district, flag_id, from_day, to_day, deadline)' },
    { table: 'red_flag_unspent', name: 'province', definition: '(province, flag_id, from_day, to_day, deadline)' },
  ],
);
