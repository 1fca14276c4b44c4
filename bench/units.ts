/**
 * Speed of the unit registry at national scale (15k unit versions): loading the lists, the lookups the
 * deciders and projections make for every command and event, and the error path (nearest units).
 *
 *   npm run bench:units
 */
import { performance } from 'node:perf_hooks';
import { catalogueContext } from '../projections/shared/context';
import { Catalogue } from '../src/catalogue/catalogue';
import { readUnitLists } from '../src/catalogue/units/unit-lists';
import { unitProblem } from '../src/catalogue/units/unit-problem';
import { UnitRegistry } from '../src/catalogue/units/unit-registry';

function time<T>(label: string, runs: number, fn: (i: number) => T): T {
  let last: T = fn(0);
  const start = performance.now();
  for (let i = 0; i < runs; i++) last = fn(i);
  const ms = performance.now() - start;
  const per = (ms * 1000) / runs;
  console.log(`${label.padEnd(58)} ${String(runs).padStart(8)} runs  ${per < 10 ? per.toFixed(3) : per.toFixed(1)} µs each  (${Math.round(runs / (ms / 1000)).toLocaleString('en')}/s)`);
  return last;
}

const t0 = performance.now();
const lists = readUnitLists();
const t1 = performance.now();
const units = UnitRegistry.fromLists(lists);
const t2 = performance.now();
console.log(`read and derive the lists: ${(t1 - t0).toFixed(1)} ms; index ${units.size} versions: ${(t2 - t1).toFixed(1)} ms`);
const t3 = performance.now();
const problems = units.problems();
console.log(`consistency check (parents, successions; run by the tests, not at start): ${(performance.now() - t3).toFixed(1)} ms, ${problems.length} problems`);
for (const day of ['2021-02-01', '2025-03-01', '2025-07-01']) console.log(`in force on ${day}:`, units.countsAt(day));

const codes = [...new Set(units.versions.map((v) => v.code))];
const days = ['2021-06-30', '2023-03-15', '2024-06-30', '2025-05-01', '2026-01-01'];
console.log(`\nlookups over ${codes.length} codes:`);
time('at(code, day)', 500_000, (i) => units.at(codes[i % codes.length], days[i % days.length]));
time('during(code, budget year)', 500_000, (i) => units.during(codes[i % codes.length], 2021 + (i % 6)));
time('chainAt(code, day)', 200_000, (i) => units.chainAt(codes[i % codes.length], days[i % days.length]));
time('ancestors(code, year)', 100_000, (i) => units.ancestors(codes[i % codes.length], 2021 + (i % 6)));
time('children(district, day)', 100_000, (i) => units.children('184', days[i % days.length]));

const catalogue = Catalogue.load();
time('catalogue.requireUnit(code, year) of a valid unit', 500_000, (i) => catalogue.requireUnit('u', '06253', 2021 + (i % 4)));

console.log('\nerror path (once per bad code and year; the catalogue caches the sentence):');
time('unitProblem: unknown 5-digit code', 200, (i) => unitProblem(units, `9${String(1000 + i).padStart(4, '0')}`, 2024));
time('unitProblem: district after the reform (successors)', 200, () => unitProblem(units, '184', 2026));
time('unitProblem: a name instead of a code', 50, (i) => unitProblem(units, i % 2 ? 'Văn Quan' : 'Trà Cú', 2024));
time('search({ name, date })', 100, () => units.search({ name: 'van', date: '2024-06-30' }));

console.log('\nprojection context:');
const t4 = performance.now();
const ctx = catalogueContext(catalogue);
console.log(`catalogueContext with its fingerprint: ${(performance.now() - t4).toFixed(1)} ms (${ctx.fingerprint})`);
time('unitPlace(code, budget year), cold then cached', codes.length * 6, (i) => ctx.unitPlace(codes[i % codes.length], 2021 + (i % 6)));
