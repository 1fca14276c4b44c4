import { ENTRY_KINDS } from '../journal/journal.compile';
import { COMMANDS } from './registry';
import { hasJournalForm, isRequestCommand } from './slice';

describe('the command registry', () => {
  it('names each command, route and journal kind once', () => {
    const unique = (values: readonly string[]) => expect(new Set(values).size).toBe(values.length);
    unique(COMMANDS.map((c) => c.name));
    unique(COMMANDS.filter(hasJournalForm).map((c) => c.journal.kind));
    unique(COMMANDS.filter(isRequestCommand).map((c) => c.route.path));
  });

  it("gives the journal its entry kinds in the registry's order, as journal files already write them", () => {
    expect(ENTRY_KINDS).toEqual(COMMANDS.filter(hasJournalForm).map((c) => c.journal.kind));
    expect(ENTRY_KINDS).toEqual([
      'plan',
      'activity',
      'allocate',
      'disburse',
      'reverseDisbursement',
      'return',
      'carryOver',
      'adjust',
      'reclassify',
      'outputs',
      'figure',
      'explanation',
      'openingBalance',
      'transfer',
      'stage',
      'outcome',
      'outcomeTarget',
    ]);
  });

  it('keeps the stated figure journal-only: every other command has a route', () => {
    expect(COMMANDS.filter((c) => !isRequestCommand(c)).map((c) => c.name)).toEqual(['StateFigure']);
  });

  it('keeps out of journals the commands that look up the read models before deciding (a journal is decided without them)', () => {
    const preparing = COMMANDS.filter(isRequestCommand).filter((c) => c.prepare !== undefined);
    expect(preparing.map((c) => c.name)).toEqual(['ReviewRedFlag']);
    expect(preparing.filter(hasJournalForm)).toEqual([]);
  });

  it('lets the inspectors and auditors review red flags and record notes (the note right), admins manage accounts, and the rest record (the record right)', () => {
    const special: Record<string, string> = { RecordNote: 'note', ReviewRedFlag: 'note' };
    expect(COMMANDS.filter(isRequestCommand).map((c) => [c.name, c.right ?? 'record'])).toEqual(
      COMMANDS.filter(isRequestCommand).map((c) => [c.name, special[c.name] ?? (c.route.path.startsWith('users') ? 'manage-users' : 'record')]),
    );
  });
});
