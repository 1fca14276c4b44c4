import type { OutcomeTargetSet } from '../../../events';
import { catalogue } from '../../../test/support/fixtures';
import { evolveOutcomes, initialOutcomesState } from '../../results/outcomes.state';
import { CommandRefused, InvalidCommand } from '../../shared/errors';
import type { Basis } from '../command';
import { SetOutcomeTarget, decideSetOutcomeTarget } from './set-outcome-target.decide';

/** Kế hoạch thực hiện Chỉ thị 05-CT/TW của UBND huyện Sơn Dương (tháng 8/2022). */
const PLAN: Basis = { legalBasis: { kind: 'document', title: 'Kế hoạch thực hiện giảm nghèo bền vững đến năm 2030', date: '2022-08-31', issuer: 'UBND huyện Sơn Dương' }, effectiveDate: '2022-08-31' };
const target = (overrides: Partial<SetOutcomeTarget> = {}): SetOutcomeTarget => ({
  programme: 'GNBV-2021-2025',
  unit: '076',
  targetId: 'sd-ho-ngheo-2021-2025',
  indicator: 'poverty-rate',
  kind: 'average-annual-change',
  direction: 'decrease',
  value: '3',
  comparator: 'at-least',
  fromYear: 2021,
  toYear: 2025,
  basis: PLAN,
  ...overrides,
});
const decide = (cmd: SetOutcomeTarget, ...prior: OutcomeTargetSet[]) => decideSetOutcomeTarget(cmd, prior.reduce(evolveOutcomes, initialOutcomesState()), catalogue);

describe('SetOutcomeTarget (mục tiêu giảm nghèo)', () => {
  it('records "tỷ lệ hộ nghèo giảm bình quân 3 %/năm" on the unit\'s results stream', () => {
    const [{ stream, events }] = decide(target());
    expect(stream).toBe('outcomes-076');
    expect(events).toEqual([
      {
        type: 'OutcomeTargetSet',
        version: 1,
        data: { programme: 'GNBV-2021-2025', unit: '076', targetId: 'sd-ho-ngheo-2021-2025', indicator: 'poverty-rate', kind: 'average-annual-change', direction: 'decrease', value: '3', comparator: 'at-least', fromYear: 2021, toYear: 2025 },
      },
    ]);
  });

  it('records a 2026-2030 orientation of a district as the district set it in 2022, though it ended in 2025', () => {
    expect(() => decide(target({ targetId: 'sd-2030', fromYear: 2026, toYear: 2030, value: '2', comparator: 'more-than' }))).not.toThrow();
  });

  it('refuses the same id twice', () => {
    const first = decide(target())[0].events[0] as OutcomeTargetSet;
    expect(() => decide(target(), first)).toThrow(CommandRefused);
  });

  it('checks what a target needs, listing every problem', () => {
    let thrown: InvalidCommand | undefined;
    try {
      decide(target({ direction: undefined, fromYear: 2026, toYear: 2025, indicator: 'poverty' }));
    } catch (e) {
      thrown = e as InvalidCommand;
    }
    expect(thrown?.problems.map((p) => p.field)).toEqual(['indicator', 'direction', 'toYear']);
    expect(() => decide(target({ kind: 'level' }))).toThrow(/a level has no direction/);
  });
});
