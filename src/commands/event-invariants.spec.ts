import type { EventToAppend } from '../../events';
import { decision, disbursed, line, planAssigned, voucher } from '../../test/support/ledger-events';
import { EventInvariantViolated, assertEventInvariants, eventProblems } from './event-invariants';

const L = line();
const plan = (): EventToAppend => planAssigned(L, '1000', { basis: decision('4888/QĐ-UBND', '2023-12-22') })[0].events[0];
const withBasis = (legalBasis: unknown): EventToAppend => ({ ...plan(), metadata: { ...plan().metadata, legalBasis } as EventToAppend['metadata'] });
const withData = (data: Record<string, unknown>): EventToAppend => ({ ...plan(), data: { ...(plan().data as object), ...data } });

describe('the invariants every recorded event keeps', () => {
  it('holds for events the ledger records', () => {
    expect(eventProblems(plan())).toEqual([]);
    expect(eventProblems(disbursed(L, 'a-1', 'gn-1', '250.5', { basis: voucher('UNC-1', '2024-03-04') })[0].events[0])).toEqual([]);
  });

  describe('when the legal basis is not what its kind requires', () => {
    it.each([
      ['a list where the decision belongs', []],
      ['a decision without number or date', { kind: 'decision' }],
      ['a decision number of two lines', { ...decision('4888/QĐ-UBND', '2023-12-22'), number: '4888\nQĐ' }],
      ['a voucher without treasury', { kind: 'voucher', number: 'UNC-1', date: '2024-03-04' }],
      ['a date out of the ledger’s range', decision('4888/QĐ-UBND', '9999-12-31')],
      ['an unknown kind', { kind: 'rumour', number: '1', date: '2024-01-01' }],
    ])('refuses %s', (_what, basis) => {
      expect(eventProblems(withBasis(basis)).join('\n')).toMatch(/metadata\.legalBasis/);
    });
  });

  it('takes an account event or a note without a legal basis (none was cited), but checks one that is there', () => {
    const { legalBasis: _none, ...metadata } = plan().metadata;
    const unbased = (type: string, data: object): EventToAppend => ({ type, version: 1, data, metadata: metadata as EventToAppend['metadata'] });
    expect(eventProblems(unbased('UserCreated', { userId: 'can-bo-lan', displayName: 'Cán bộ Lan' }))).toEqual([]);
    expect(eventProblems(unbased('NoteRecorded', { noteId: 'n-1', text: 'đã xem' }))).toEqual([]);
    expect(eventProblems(unbased('PlanAssigned', plan().data as object)).join('\n')).toMatch(/metadata\.legalBasis is not an object/);
    const cited = { ...unbased('UserCreated', { userId: 'can-bo-lan' }), metadata: { ...metadata, legalBasis: { kind: 'decision' } } as EventToAppend['metadata'] };
    expect(eventProblems(cited).join('\n')).toMatch(/metadata\.legalBasis\.number/);
  });

  it.each([
    ['an amount over the ceiling', { amount: '100000000000000000000.01' }, /data\.amount .*ceiling/],
    ['an amount that is a number', { amount: 1000 }, /data\.amount/],
    ['a line without its unit', { line: { ...L, unit: undefined } }, /data\.line\.unit/],
    ['a year out of range', { line: { ...L, budgetYear: 3024 } }, /data\.line\.budgetYear/],
    ['a NUL in a text', { note: 'a\u0000b' }, /data\.note contains a NUL/],
    ['a number that is not finite', { extra: Number.NaN }, /data\.extra is not a finite number/],
  ])('refuses %s', (_what, data, problem) => {
    expect(eventProblems(withData(data)).join('\n')).toMatch(problem);
  });

  it('refuses a type the ledger does not know, or an old version of one it does', () => {
    expect(eventProblems({ ...plan(), type: 'PlanStolen' })[0]).toMatch(/not an event of the ledger/);
    expect(eventProblems({ ...plan(), version: 0 })[0]).toMatch(/not the current one/);
  });

  it('throws for an append holding one bad event, naming it', () => {
    const appends = [{ stream: 's', expectedRevision: 'any' as const, events: [plan(), withBasis([])] }];
    expect(() => assertEventInvariants(appends)).toThrow(EventInvariantViolated);
    expect(() => assertEventInvariants(appends)).toThrow(/PlanAssigned 0000.*legalBasis/);
  });
});
