import { ENTRY_KINDS } from '../journal/journal.compile';
import { COMMANDS } from './registry';
import { isJournalSlice, isRequestCommand } from './slice';

describe('the command registry', () => {
  it('names each command, route and journal kind once', () => {
    const unique = (values: readonly string[]) => expect(new Set(values).size).toBe(values.length);
    unique(COMMANDS.map((c) => c.name));
    unique(COMMANDS.filter(isJournalSlice).map((c) => c.journal.kind));
    unique(COMMANDS.filter(isRequestCommand).map((c) => c.route.path));
  });

  it("gives the journal its entry kinds in the registry's order, as journal files already write them", () => {
    expect(ENTRY_KINDS).toEqual(COMMANDS.filter(isJournalSlice).map((c) => c.journal.kind));
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
    ]);
  });

  it('keeps the stated figure journal-only: every other command has a route', () => {
    expect(COMMANDS.filter((c) => !isRequestCommand(c)).map((c) => c.name)).toEqual(['StateFigure']);
  });
});
