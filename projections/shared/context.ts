import type { FundLineKey } from '../../events';
import type { Catalogue } from '../../src/catalogue/catalogue';
import { KEY_DIMENSIONS, LineDimensions, PlacesOf } from '../../src/fund-line/fund-line.dimensions';
import { RedFlagRules, builtInRedFlagRules } from '../red-flags/rules';

export type { LineDimensions };

/** Where a unit sits in the administrative tree: its district and province ('' when it has none or is unknown). */
export type UnitPlace = { readonly [P in PlacesOf<'unit'>]: string };

/** Where a component sits in the programme tree: its sub-project (itself for a project without sub-projects) and project. */
export type ComponentPlace = { readonly [P in PlacesOf<'component'>]: string };

/**
 * What the folds may know besides the events: the catalogue's trees (commune → district → province,
 * content → sub-project → project) and the red-flag rules with their thresholds. Pure data, read once; a read
 * model built with another catalogue or other rules is another read model (the runner starts a fresh
 * generation when the fingerprint changes).
 */
export interface ProjectionContext {
  /**
   * Where a unit sits. A code can name two units in two periods (a commune of 1/7/2025 often keeps the
   * code of an old one): with a budget year, its place in its first period in force that year (a line of
   * 2025 on such a code is placed under the old district: 2025 plans were assigned before the reform);
   * without one, its place in its first period.
   */
  unitPlace(unit: string, budgetYear?: number): UnitPlace;
  /** Where a component sits in its programme's tree (all programmes together if not given). */
  componentPlace(component: string, programme?: string): ComponentPlace;
  /** The red-flag rules and thresholds (projections/red-flags/rules.json, or LEDGER_RED_FLAG_RULES). */
  readonly redFlagRules: RedFlagRules;
  /** Identifies the trees and the rules: same fingerprint, same read model. */
  readonly fingerprint: string;
}

/** Every dimension of a line (fund-line.dimensions.ts): its key, '' for an absent content, and its places in both trees. */
export function lineDimensions(key: FundLineKey, ctx: ProjectionContext): LineDimensions {
  const dims: Record<string, string | number> = {};
  for (const d of KEY_DIMENSIONS) dims[d] = key[d] ?? '';
  // Added to dims, not spread after it: see lineBalance (balances.queries.ts).
  return Object.assign(dims as Omit<LineDimensions, keyof UnitPlace | keyof ComponentPlace>, ctx.unitPlace(key.unit, key.budgetYear), ctx.componentPlace(key.component, key.programme));
}

export function catalogueContext(catalogue: Catalogue, redFlagRules: RedFlagRules = builtInRedFlagRules()): ProjectionContext {
  const units = new Map<string, UnitPlace>();
  const components = new Map<string, ComponentPlace>();
  const unitPlace = (unit: string, budgetYear?: number): UnitPlace => {
    const key = budgetYear === undefined ? unit : `${unit}@${budgetYear}`;
    let place = units.get(key);
    if (!place) {
      place = catalogue.units.place(unit, budgetYear);
      units.set(key, place);
    }
    return place;
  };
  const componentPlace = (component: string, programme?: string): ComponentPlace => {
    const key = programme === undefined ? component : `${programme}/${component}`;
    let place = components.get(key);
    if (!place) {
      const lists = catalogue.lists(programme);
      const chain = [component, ...lists.componentAncestors(component)];
      const subProject = chain.find((c) => lists.components.get(c)?.level === 'sub-project') ?? component;
      place = { subProject, project: chain[chain.length - 1] };
      components.set(key, place);
    }
    return place;
  };
  // The unit trees (14k+ versions) are fingerprinted once by the registry; the component trees per programme.
  const trees = {
    units: catalogue.units.fingerprint,
    components: [...catalogue.programmes.keys()].flatMap((p) =>
      [...catalogue.lists(p).components.values()].map((c) => [p, c.code, c.level, c.parent ?? '']),
    ),
  };
  return { unitPlace, componentPlace, redFlagRules, fingerprint: fnv1a(JSON.stringify({ trees, redFlagRules: redFlagRules.fingerprint })) };
}

/**
 * 64-bit FNV-1a of a string's UTF-16 code units, hex: a cheap identity (of the catalogue trees, of the tables' shape,
 * of a red flag), not a security hash. Computed on four 16-bit limbs (h × prime = h × 0x1b3 + h << 40), which is
 * fast enough for a fold to call per event; fnv1aBigInt is the plain definition it is checked against.
 */
export function fnv1a(text: string): string {
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (let i = 0; i < text.length; i++) {
    h0 ^= text.charCodeAt(i);
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + (t1 >>> 16) + ((h0 << 8) & 0xffff);
    const t3 = h3 * 0x1b3 + (t2 >>> 16) + (((h0 >>> 8) | (h1 << 8)) & 0xffff);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  }
  const hex = (n: number) => n.toString(16).padStart(4, '0');
  return hex(h3) + hex(h2) + hex(h1) + hex(h0);
}

/** The definition of 64-bit FNV-1a, on BigInt: what fnv1a computes faster. */
export function fnv1aBigInt(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

/** "2024-06-30" → 20240630: effective dates at rest, compared as integers. */
export function dateToInt(date: string): number {
  return Number(date.slice(0, 4)) * 10000 + Number(date.slice(5, 7)) * 100 + Number(date.slice(8, 10));
}

export function intToDate(n: number): string {
  const y = Math.floor(n / 10000);
  const m = Math.floor(n / 100) % 100;
  const d = n % 100;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
