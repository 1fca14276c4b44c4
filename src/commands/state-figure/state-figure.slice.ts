import type { FigureDocument, FigureMeasure, FigureScope, StatedRate, StatedTotal } from '../../../events';
import type { Catalogue } from '../../catalogue/catalogue';
import { decision } from '../decision-spec';
import { type JournalCommand, type JournalReader, isMapping, withoutUndefined } from '../slice';
import { assertionStream, figuresFold, FiguresState } from './figure.state';
import { StateFigure, decideStateFigure } from './state-figure.decide';

const FIGURE_KEYS = ['document', 'section', 'quote', 'measure', 'scope', 'category', 'asOf', 'amount', 'indicator', 'quantity', 'outOf', 'rate', 'sumOf', 'partOf', 'note'];

/** "02/16": a count out of a total, as documents write it. */
const FRACTION = /^\s*([0-9][0-9.,]*)\s*\/\s*([0-9][0-9.,]*)\s*$/;
const SCOPE_KEYS = ['programme', 'unit', 'component', 'content', 'year', 'budgetYear', 'originYear', 'source', 'sources', 'capitalType', 'activityId'];

/** "NSDP" (or "NSĐP"): every local-budget source of the catalogue, as documents say "ngân sách địa phương". */
function sources(v: unknown, catalogue: Catalogue, j: JournalReader): string[] | undefined {
  if (v === undefined) return undefined;
  const list = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const s of list) {
    if (typeof s !== 'string') {
      j.problem('scope.source', 'must be a source code or a list of them');
      continue;
    }
    if (s === 'NSDP' || s === 'NSĐP') out.push(...[...catalogue.sources.keys()].filter((c) => c.startsWith('NSDP-')));
    else out.push(s);
  }
  return [...new Set(out)];
}

/**
 * Ghi nhận số liệu: what a document states, with where it states it. Only journals state figures (the
 * `figure` entry); there is no HTTP route.
 */
export const stateFigureCommand: JournalCommand<StateFigure> = {
  name: 'StateFigure',
  spec: (input, catalogue) => {
    const stream = assertionStream(input.scope.unit, input.document.id);
    return decision({
      basis: input.basis,
      primaryStream: stream,
      loads: [{ stream, fold: figuresFold }] as const,
      units: [{ code: input.scope.unit, when: input.scope.budgetYear ?? Number(input.asOf.slice(0, 4)) }],
      decide: ([figures]) => decideStateFigure(input, figures.state as FiguresState, catalogue),
    });
  },
  journal: {
    kind: 'figure',
    toInput: (body, j) => {
      j.unknownKeys(body, FIGURE_KEYS, '');
      const doc = j.document(body.document, 'document');
      const section = j.text(body, 'section', 'section', true);
      const quote = j.text(body, 'quote', 'quote', false);
      const note = j.text(body, 'note', 'note', false);
      const category = j.text(body, 'category', 'category', false);
      const measure = j.text(body, 'measure', 'measure', true) as FigureMeasure | undefined;
      const asOf = j.date(body, 'asOf', 'asOf', false) ?? doc?.asOf ?? doc?.date;

      const rawScope = body.scope === undefined ? {} : body.scope;
      if (!isMapping(rawScope)) j.problem('scope', 'must be { component, year, source, capitalType, ... }');
      const s = isMapping(rawScope) ? rawScope : {};
      j.unknownKeys(s, SCOPE_KEYS, 'scope');
      const year = s.budgetYear ?? s.year ?? j.defaults.year;
      for (const [k, v] of [['year', year], ['originYear', s.originYear]] as const) {
        if (v !== undefined && v !== null && !Number.isInteger(v)) j.problem(`scope.${k}`, 'must be a year such as 2024');
      }
      const unit = s.unit === undefined ? j.defaults.unit : j.unit(s.unit, 'scope.unit');
      const programme = (s.programme as string | undefined) ?? j.defaults.programme;
      if (!unit) j.problem('scope.unit', 'is required (or set defaults.unit)');
      if (!programme) j.problem('scope.programme', 'is required (or set defaults.programme)');
      const srcs = sources(s.sources ?? s.source, j.catalogue, j);
      const component = s.component === 'programme' ? undefined : (s.component as string | undefined);
      const scope = withoutUndefined({
        programme,
        unit,
        component,
        content: s.content,
        // year: null states a figure of the whole period (a 2021-2025 plan)
        budgetYear: year === null ? undefined : year,
        originYear: s.originYear,
        sources: srcs,
        capitalType: s.capitalType,
        activityId: s.activityId,
      }) as unknown as FigureScope;

      const stated = j.statedAmount(body.amount, 'amount');
      // "02/16 công trình": 2 out of 16.
      // Counts in a fraction are written with two digits ("02/16"): the leading zero is a habit, not a digit.
      const fraction = typeof body.quantity === 'string' ? FRACTION.exec(body.quantity) : null;
      const count = (text: string) => (/^0\d+$/.test(text) ? text.replace(/^0+(?=\d)/, '') : text);
      const quantity = j.quantity(fraction ? count(fraction[1]) : body.quantity, 'quantity');
      const writtenTotal = fraction ? j.quantity(count(fraction[2]), 'quantity') : undefined;
      const indicator = j.text(body, 'indicator', 'indicator', false);

      let rate: StatedRate | undefined;
      const refs: { field: string; id: string }[] = [];
      if (body.rate !== undefined) {
        const r = isMapping(body.rate) ? body.rate : { percent: body.rate };
        if (isMapping(body.rate)) j.unknownKeys(body.rate, ['percent', 'of'], 'rate');
        const parsed = j.percent(r.percent, 'rate.percent');
        if (parsed) {
          const of = r.of === undefined ? undefined : String(r.of);
          rate = { ...parsed, ...(of !== undefined ? { of } : {}) };
          if (of !== undefined) refs.push({ field: 'rate.of', id: of });
        }
      }
      let parts: string[][] | undefined;
      if (body.sumOf !== undefined) {
        const v = body.sumOf;
        const lists = Array.isArray(v) && v.every((x) => Array.isArray(x)) ? (v as unknown[][]) : Array.isArray(v) ? [v] : null;
        if (!lists || lists.some((l) => l.some((x) => typeof x !== 'string'))) {
          j.problem('sumOf', 'must list the ids of the figures this one is the sum of ([a, b]), or several such lists ([[a, b], [c, d]])');
        } else {
          parts = lists as string[][];
          parts.forEach((l, i) => l.forEach((id) => refs.push({ field: `sumOf[${i}]`, id })));
        }
      }
      let partOf: string[] | undefined;
      if (body.partOf !== undefined) {
        const list = Array.isArray(body.partOf) ? body.partOf : [body.partOf];
        if (list.some((x) => typeof x !== 'string')) j.problem('partOf', 'must name the figure this one is a part of ("trong đó"), or a list of them');
        else {
          partOf = list as string[];
          partOf.forEach((id) => refs.push({ field: 'partOf', id }));
        }
      }
      let outOf: StatedTotal | undefined;
      if (body.outOf !== undefined) {
        if (typeof body.outOf !== 'string') j.problem('outOf', 'must name the figure that states the total ("18 công trình")');
        else {
          outOf = { of: body.outOf };
          refs.push({ field: 'outOf', id: body.outOf });
        }
      }
      if (writtenTotal !== undefined) outOf = { total: writtenTotal, ...outOf };
      if (!doc || !section || !measure || !asOf || !j.clean) return undefined;
      const document = withoutUndefined({ id: doc.id, title: doc.title, issuer: doc.issuer, number: doc.number }) as FigureDocument;
      const input = withoutUndefined({
        assertionId: j.entryId,
        document,
        section,
        quote,
        measure,
        scope,
        category,
        asOf,
        amount: stated?.dong,
        resolution: stated?.resolution,
        indicator,
        quantity,
        rate,
        parts,
        partOf,
        outOf,
        note,
        basis: {
          legalBasis: withoutUndefined({ kind: 'document' as const, title: doc.title, number: doc.number, date: doc.date, issuer: doc.issuer }),
          effectiveDate: doc.date,
        },
      }) as StateFigure;
      return { input, figure: { document: doc.id, refs } };
    },
  },
};
