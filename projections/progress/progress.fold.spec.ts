import fc from 'fast-check';
import { activityFact, activityStatus, applyToTotals, ActivityProgress, EMPTY_PROGRESS, evolveActivityProgress, initialActivityProgress, replaceInTotals } from './progress.fold';
import type { RecordedLedger } from '../shared/recorded';
import {
  activityReclassified,
  activityRegistered,
  decision,
  disbursed,
  fundsAllocated,
  line,
  outputsRecorded,
  recorded,
  voucher,
} from '../../test/support/ledger-events';

const QD = (n: string, date: string) => decision(n, date);
const L = line();

function foldAll(events: ReturnType<typeof recorded>, filter: (e: ReturnType<typeof recorded>[number]) => boolean = () => true): ActivityProgress {
  let doc = initialActivityProgress('chuoi-1');
  for (const e of events.filter(filter)) {
    const f = activityFact(e as RecordedLedger);
    if (f && f.activityId === 'chuoi-1') doc = evolveActivityProgress(doc, f.fact);
  }
  return doc;
}

const history = () =>
  recorded(
    activityRegistered(
      {
        activityId: 'chuoi-1',
        kind: 'value-chain-production',
        beneficiaries: { poor: 12, 'near-poor': 3 },
        targets: [{ indicator: 'hectares', quantity: '4.5' }],
      },
      { basis: QD('120/QĐ-UBND', '2024-02-01') },
    ),
    fundsAllocated(L, 'chuoi-1', '500000000', { basis: QD('121/QĐ-UBND', '2024-02-10') }),
    disbursed(L, 'chuoi-1', 'gn-1', '200000000', { basis: voucher('UNC-7', '2024-04-02') }),
    activityReclassified(
      'chuoi-1',
      'pl-1',
      { kind: 'value-chain-production', component: 'DA3.TDA1' },
      { kind: 'community-production', component: 'DA3.TDA1' },
      { basis: QD('300/QĐ-UBND', '2024-05-15') },
    ),
    outputsRecorded('chuoi-1', [{ indicator: 'hectares', quantity: '2.25' }], { basis: { kind: 'document', title: 'Biên bản nghiệm thu', date: '2024-06-10' } }, {
      beneficiaries: { poor: 14 },
    }),
  );

describe('activity progress', () => {
  describe('when a value-chain model is reclassified as community production', () => {
    const events = history();

    it('keeps its money, households and hectares, and changes its kind', () => {
      const doc = foldAll(events);
      expect(doc.info.kind).toBe('community-production');
      expect(doc.allocated).toBe(50000000000n);
      expect(doc.disbursed).toBe(20000000000n);
      expect(doc.info.beneficiaries.poor.n).toBe(14);
      expect(doc.info.outputs).toEqual({ hectares: '2.25' });
      expect(doc.info.targets).toEqual({ hectares: '4.5' });
    });

    it('is still a value-chain model before the decision takes effect', () => {
      const before = foldAll(events, (e) => e.metadata.effectiveDate <= '2024-05-14');
      expect(before.info.kind).toBe('value-chain-production');
      expect(before.disbursed).toBe(20000000000n);
      const from = foldAll(events, (e) => e.metadata.effectiveDate <= '2024-05-15');
      expect(from.info.kind).toBe('community-production');
    });
  });

  describe('when a back-dated reclassification arrives after a later one', () => {
    it('lets the later effective date win, whatever the order of recording', () => {
      const events = recorded(
        activityRegistered({ activityId: 'chuoi-1', kind: 'value-chain-production' }, { basis: QD('1/QĐ', '2024-01-05') }),
        activityReclassified('chuoi-1', 'pl-2', { kind: 'value-chain-production', component: 'DA3.TDA1' }, { kind: 'community-production', component: 'DA3.TDA1' }, {
          basis: QD('2/QĐ', '2024-06-01'),
        }),
        activityReclassified('chuoi-1', 'pl-1', { kind: 'community-production', component: 'DA3.TDA1' }, { kind: 'poverty-reduction-model', component: 'DA2' }, {
          basis: QD('3/QĐ', '2024-03-01'),
          recordedAt: '2024-07-01T02:00:00.000Z',
        }),
      );
      expect(foldAll(events).info.kind).toBe('community-production');
      expect(foldAll(events, (e) => e.metadata.effectiveDate <= '2024-04-01').info).toMatchObject({ kind: 'poverty-reduction-model', component: 'DA2' });
    });
  });

  describe('status', () => {
    it('moves from registered to allocated, disbursing and completed', () => {
      const events = history();
      const statuses = events.map((_, i) => activityStatus(foldAll(events.slice(0, i + 1))));
      expect(statuses).toEqual(['registered', 'allocated', 'disbursing', 'disbursing', 'disbursing']);
      const done = recorded(outputsRecorded('chuoi-1', [], { basis: QD('9/QĐ', '2024-11-01') }, { completed: true }));
      expect(activityStatus(foldAll([...events, { ...done[0], position: 99 }]))).toBe('completed');
    });
  });

  describe('group totals', () => {
    it('move one activity between statuses without recounting its maps', () => {
      const events = history();
      const before = foldAll(events.slice(0, 2));
      const after = foldAll(events.slice(0, 3));
      const totals = replaceInTotals(applyToTotals(EMPTY_PROGRESS, before, 1), before, after);
      expect(totals).toEqual(applyToTotals(EMPTY_PROGRESS, after, 1));
      expect(totals.byStatus).toEqual({ registered: 0, allocated: 0, disbursing: 1, completed: 0 });
    });
  });

  const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
  it(`gives the same document whatever order its facts are applied in (seed ${seed})`, () => {
    const events = history();
    const facts = events.map((e) => activityFact(e as RecordedLedger)).flatMap((f) => (f ? [f.fact] : []));
    const expected = facts.reduce(evolveActivityProgress, initialActivityProgress('chuoi-1'));
    fc.assert(
      fc.property(fc.shuffledSubarray(facts, { minLength: facts.length, maxLength: facts.length }), (shuffled) => {
        const doc = shuffled.reduce(evolveActivityProgress, initialActivityProgress('chuoi-1'));
        expect({ ...doc, lastPosition: 0 }).toEqual({ ...expected, lastPosition: 0 });
      }),
      { seed },
    );
  });
});
