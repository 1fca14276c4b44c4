import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidCommand } from '../shared/errors';

export interface Named {
  readonly code: string;
  readonly nameVi: string;
  readonly nameEn?: string;
}
export interface ComponentEntry extends Named {
  readonly level: 'project' | 'sub-project';
  readonly parent?: string;
  readonly contents?: readonly Named[];
}
export interface ActivityKindEntry extends Named {
  readonly components: readonly string[];
}
export interface IndicatorEntry extends Named {
  readonly unit: string;
}
export interface UnitEntry {
  readonly code: string;
  readonly level: 'province' | 'district' | 'commune';
  readonly parent?: string;
  readonly nameVi: string;
  /** A unit abolished on this date hands its lines to `successor` (e.g. districts from 2025-07-01). */
  readonly endedOn?: string;
  readonly successor?: string;
}
export interface CatalogueData {
  readonly programme: Named & { readonly firstYear: number; readonly lastYear: number };
  readonly components: readonly ComponentEntry[];
  readonly sources: readonly Named[];
  readonly capitalTypes: readonly Named[];
  readonly activityKinds: readonly ActivityKindEntry[];
  readonly beneficiaryCategories: readonly Named[];
  readonly indicators: readonly IndicatorEntry[];
  readonly units: readonly UnitEntry[];
}

export const DEFAULT_CATALOGUE_FILES = [
  join(__dirname, 'data', 'gnbv-2021-2025.json'),
  // Extension: the 17 communes of Văn Quan (184) with their official codes, for the demo journal.
  join(__dirname, 'data', 'units-184-van-quan.json'),
];

function index<T extends { code: string }>(what: string, entries: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const e of entries) {
    if (map.has(e.code)) throw new Error(`catalogue: ${what} ${e.code} is listed twice`);
    map.set(e.code, e);
  }
  return map;
}

/**
 * The programme structure as data: components, sources, capital types, activity kinds, beneficiary
 * categories, indicators and administrative units. A later programme (2026-2035) is another file.
 */
export class Catalogue {
  readonly programmes: Map<string, CatalogueData['programme']>;
  readonly components: Map<string, ComponentEntry>;
  readonly sources: Map<string, Named>;
  readonly capitalTypes: Map<string, Named>;
  readonly activityKinds: Map<string, ActivityKindEntry>;
  readonly beneficiaryCategories: Map<string, Named>;
  readonly indicators: Map<string, IndicatorEntry>;
  readonly units: Map<string, UnitEntry>;

  constructor(readonly data: CatalogueData) {
    this.programmes = index('programme', [data.programme]);
    this.components = index('component', data.components);
    this.sources = index('source', data.sources);
    this.capitalTypes = index('capital type', data.capitalTypes);
    this.activityKinds = index('activity kind', data.activityKinds);
    this.beneficiaryCategories = index('beneficiary category', data.beneficiaryCategories);
    this.indicators = index('indicator', data.indicators);
    this.units = index('unit', data.units);
    for (const c of data.components) {
      if (c.parent && !this.components.has(c.parent)) throw new Error(`catalogue: component ${c.code} has unknown parent ${c.parent}`);
    }
    for (const k of data.activityKinds) {
      for (const c of k.components) {
        if (!this.components.has(c)) throw new Error(`catalogue: activity kind ${k.code} names unknown component ${c}`);
      }
    }
    for (const u of data.units) {
      if (u.parent && !this.units.has(u.parent)) throw new Error(`catalogue: unit ${u.code} has unknown parent ${u.parent}`);
      if (u.successor && !this.units.has(u.successor)) throw new Error(`catalogue: unit ${u.code} has unknown successor ${u.successor}`);
    }
  }

  static load(files: readonly string[] = DEFAULT_CATALOGUE_FILES): Catalogue {
    const parts = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as CatalogueData & { extends?: boolean });
    const [base, ...extensions] = parts;
    // Extension files (e.g. the communes of a district) add units only.
    const units = [...base.units, ...extensions.flatMap((e) => e.units ?? [])];
    return new Catalogue({ ...base, units });
  }

  /** Components a fund line can be held on: those without sub-components. */
  isLeafComponent(code: string): boolean {
    return ![...this.components.values()].some((c) => c.parent === code);
  }

  /** Ancestors of a component, nearest first ("DA3.TDA1" → ["DA3"]). */
  componentAncestors(code: string): string[] {
    const out: string[] = [];
    for (let c = this.components.get(code)?.parent; c; c = this.components.get(c)?.parent) out.push(c);
    return out;
  }

  /** Ancestors of a unit, nearest first (commune → district → province). */
  unitAncestors(code: string): string[] {
    const out: string[] = [];
    for (let u = this.units.get(code)?.parent; u; u = this.units.get(u)?.parent) out.push(u);
    return out;
  }

  requireProgramme(field: string, code: string): void {
    requireEntry(field, 'programme', code, this.programmes);
  }
  requireComponent(field: string, code: string): ComponentEntry {
    return requireEntry(field, 'component', code, this.components);
  }
  requireSource(field: string, code: string): Named {
    return requireEntry(field, 'source', code, this.sources);
  }
  requireCapitalType(field: string, code: string): Named {
    return requireEntry(field, 'capital type', code, this.capitalTypes);
  }
  requireActivityKind(field: string, code: string): ActivityKindEntry {
    return requireEntry(field, 'activity kind', code, this.activityKinds);
  }
  requireBeneficiaryCategory(field: string, code: string): Named {
    return requireEntry(field, 'beneficiary category', code, this.beneficiaryCategories);
  }
  requireIndicator(field: string, code: string): IndicatorEntry {
    return requireEntry(field, 'indicator', code, this.indicators);
  }
  requireUnit(field: string, code: string): UnitEntry {
    return requireEntry(field, 'administrative unit', code, this.units);
  }
}

function requireEntry<T>(field: string, what: string, code: string, entries: Map<string, T>): T {
  const found = entries.get(code);
  if (found) return found;
  const valid = [...entries.keys()];
  const list = valid.length > 40 ? `${valid.slice(0, 40).join(', ')} … (${valid.length} in all; GET /catalogue lists them)` : valid.join(', ');
  throw InvalidCommand.field(field, `unknown ${what} "${code}"; valid: ${list}`);
}
