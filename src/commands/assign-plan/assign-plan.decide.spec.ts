import { InvalidCommand } from '../../shared/errors';
import { deciderSpec } from '../../../test/support/decider-spec';
import {
  DECISION,
  LINE,
  LINE_STREAM,
  VOUCHER,
  catalogue,
  lineKey,
  planAssigned,
} from '../../../test/support/fixtures';
import { fundLineStream } from '../../fund-line/fund-line.key';
import { AssignPlan, decideAssignPlan } from './assign-plan.decide';

const spec = deciderSpec((cmd: AssignPlan, given) => decideAssignPlan(cmd, given.line(cmd.line), catalogue));

const assign = (overrides: Partial<AssignPlan> = {}): AssignPlan => ({ line: LINE, amount: '8036000000', basis: DECISION, ...overrides });

describe('AssignPlan (giao kế hoạch vốn)', () => {
  describe('when the amount is not exact đồng (a path that skipped the HTTP validation, e.g. an import)', () => {
    it.each(['1e9', '-5', '0', '10.001', '1.550,44'])('refuses %s naming the amount field', (amount) => {
      spec.given([]).when(assign({ amount })).thenThrows(InvalidCommand, 'amount');
    });
  });

  describe('when a decision assigns a plan to a line that has none', () => {
    it('records PlanAssigned on the line stream', () => {
      spec
        .given([])
        .when(assign())
        .then([{ stream: LINE_STREAM, events: [{ type: 'PlanAssigned', version: 1, data: { line: LINE, amount: '8036000000' } }] }]);
    });

    it('keeps the note when one is given', () => {
      spec
        .given([])
        .when(assign({ note: 'Quyết định 4888/QĐ-UBND, biểu số 02' }))
        .then([
          {
            stream: LINE_STREAM,
            events: [
              { type: 'PlanAssigned', version: 1, data: { line: LINE, amount: '8036000000', note: 'Quyết định 4888/QĐ-UBND, biểu số 02' } },
            ],
          },
        ]);
    });

    it('holds the money on a content item of a sub-project', () => {
      const line = lineKey({ component: 'DA1.TDA1', content: 'DTBD', capitalType: 'SN' });
      spec
        .given([])
        .when(assign({ line, amount: '1550440.5' }))
        .then([
          {
            stream: 'fundline-GNBV-2021-2025:DA1.TDA1.DTBD:2024:2024:NSTW:SN:184',
            events: [{ type: 'PlanAssigned', version: 1, data: { line, amount: '1550440.5' } }],
          },
        ]);
    });

    it('stores the line key in canonical form, without an undefined content', () => {
      spec
        .given([])
        .when(assign({ line: { ...LINE, content: undefined } }))
        .thenWorld((_, produced) => {
          expect(Object.keys((produced[0].events[0].data as { line: object }).line)).toEqual([
            'programme',
            'component',
            'budgetYear',
            'originYear',
            'source',
            'capitalType',
            'unit',
          ]);
        });
    });
  });

  describe('when the line already has a plan', () => {
    it('records a further PlanAssigned that adds to it', () => {
      spec
        .given([planAssigned('7700000000')])
        .when(assign({ amount: '336000000' }))
        .thenWorld((after) => {
          expect(after.line(LINE).assigned.toFixed()).toBe('8036000000');
        });
    });
  });

  describe('when the basis is not a decision', () => {
    it('refuses a plan backed by a treasury voucher', () => {
      spec.given([]).when(assign({ basis: VOUCHER })).thenThrows(InvalidCommand, 'legalBasis', /needs a decision .* not a voucher/);
    });
  });

  describe('when a dimension is not in the catalogue', () => {
    it('refuses an unknown component and lists the valid ones', () => {
      spec
        .given([])
        .when(assign({ line: lineKey({ component: 'DA9' }) }))
        .thenThrows(InvalidCommand, 'line.component', /^unknown component "DA9"; valid: DA1, DA1\.TDA1, DA1\.TDA2, DA2, DA3, .*DA7\.TDA2$/);
    });

    it('refuses an unknown source and lists the valid ones', () => {
      spec
        .given([])
        .when(assign({ line: lineKey({ source: 'NSDP' }) }))
        .thenThrows(InvalidCommand, 'line.source', 'unknown source "NSDP"; valid: NSTW, NSDP-TINH, NSDP-HUYEN, NSDP-XA, TD-CSXH, HUY-DONG');
    });

    it('refuses an unknown capital type and lists the valid ones', () => {
      spec
        .given([])
        .when(assign({ line: lineKey({ capitalType: 'ĐTPT' }) }))
        .thenThrows(InvalidCommand, 'line.capitalType', 'unknown capital type "ĐTPT"; valid: DTPT, SN');
    });

    it('refuses an unknown unit and names at most five units of the budget year near it, not every valid code', () => {
      spec
        .given([])
        .when(assign({ line: lineKey({ unit: '76' }) }))
        .thenThrows(
          InvalidCommand,
          'line.unit',
          // "76" lost the leading zero of district 076; then the provinces whose codes are one keystroke away
          'unknown administrative unit "76"; nearest in 2024: 076 Huyện Sơn Dương (Tỉnh Tuyên Quang), 75 Tỉnh Đồng Nai, ' +
            '77 Tỉnh Bà Rịa - Vũng Tàu, 74 Tỉnh Bình Dương, 79 Thành phố Hồ Chí Minh',
        );
    });

    it('accepts a plan of 2025 for a district abolished on 1/7/2025: it existed on days of that year', () => {
      const line = lineKey({ unit: '849', budgetYear: 2025, originYear: 2025 });
      spec
        .given([])
        .when(assign({ line }))
        .then([{ stream: fundLineStream(line), events: [{ type: 'PlanAssigned', version: 1, data: { line, amount: '8036000000' } }] }]);
    });

    it('refuses an unknown programme', () => {
      spec
        .given([])
        .when(assign({ line: lineKey({ programme: 'NTM-2021-2025' }) }))
        .thenThrows(InvalidCommand, 'line.programme', 'unknown programme "NTM-2021-2025"; valid: GNBV-2021-2025');
    });

    it('refuses an unknown content item and lists those of the component', () => {
      spec
        .given([])
        .when(assign({ line: lineKey({ component: 'DA1.TDA1', content: 'XX' }) }))
        .thenThrows(InvalidCommand, 'line.content', 'unknown content item "XX" of DA1.TDA1; valid: HT, DTBD');
    });

    it('refuses a content item on a component that has none', () => {
      spec
        .given([])
        .when(assign({ line: lineKey({ content: 'HT' }) }))
        .thenThrows(InvalidCommand, 'line.content', 'component DA5 has no content items');
    });

    it('lists every bad dimension at once', () => {
      const error = spec
        .given([])
        .when(assign({ line: lineKey({ source: 'NSDP', unit: '999' }) }))
        .thenThrows(InvalidCommand, 'line.source');
      expect(error.problems.map((p) => p.field)).toEqual(['line.source', 'line.unit']);
    });
  });

  describe('when the component has sub-projects', () => {
    it('refuses DA3 and names the sub-projects that hold money', () => {
      spec
        .given([])
        .when(assign({ line: lineKey({ component: 'DA3' }) }))
        .thenThrows(InvalidCommand, 'line.component', '"DA3" has sub-projects; money is held on one of them: DA3.TDA1, DA3.TDA2');
    });
  });

  describe('when the years do not fit', () => {
    it('refuses an origin year before the budget year: that money arrives by carry-over', () => {
      spec
        .given([])
        .when(assign({ line: lineKey({ originYear: 2023 }) }))
        .thenThrows(InvalidCommand, 'line.originYear', 'a plan is assigned for its own year (2024); money of 2023 arrives by carry-over');
    });

    it('refuses an origin year after the budget year', () => {
      spec
        .given([])
        .when(assign({ line: lineKey({ originYear: 2025 }) }))
        .thenThrows(InvalidCommand, 'line.originYear', 'origin year 2025 is after budget year 2024');
    });

    it('refuses a budget year outside the programme', () => {
      spec
        .given([])
        .when(assign({ line: lineKey({ budgetYear: 2026, originYear: 2026 }) }))
        .thenThrows(InvalidCommand, 'line.budgetYear', '2026 is outside programme GNBV-2021-2025 (2021-2025)');
    });

    it('accepts the last year of the programme', () => {
      const line = lineKey({ budgetYear: 2025, originYear: 2025 });
      spec
        .given([])
        .when(assign({ line }))
        .then([
          {
            stream: 'fundline-GNBV-2021-2025:DA5:2025:2025:NSTW:SN:184',
            events: [{ type: 'PlanAssigned', version: 1, data: { line, amount: '8036000000' } }],
          },
        ]);
    });
  });
});
