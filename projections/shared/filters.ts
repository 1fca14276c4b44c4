import type { Catalogue } from '../../src/catalogue/catalogue';
import { PlacesOf, dimensionColumn } from '../../src/fund-line/fund-line.dimensions';
import { InvalidRequest } from '../../src/shared/errors';
import type { Where } from './sql';
import { addTo } from './group';

/** Which column holds a unit's code, by its level: a commune is a line's own unit. */
export type UnitLevel = 'unit' | PlacesOf<'unit'>;

/**
 * What a reader may see: everything, or what lies under some scopes (unit codes), each as a line's (or an activity's)
 * unit, district or province is placed in its budget year. The principal's grants of the read right give it.
 */
export type ReadScope = 'all' | readonly string[];

/** A row with a unit's places: a line's, an activity's, an adjustment's. */
export interface Placed {
  readonly unit: unknown;
  readonly district: unknown;
  readonly province: unknown;
}

const UNKNOWN_COMPONENT = 'use a project (DA1), a sub-project (DA1.TDA1) or component.content (DA1.TDA1.HT)';

/**
 * Filters on the catalogue's trees, shared by the queries: a unit stands for itself and everything under it,
 * a project for its sub-projects. An unknown code is refused with the field that named it.
 */
export class TreeFilters {
  constructor(private readonly catalogue: Catalogue) {}

  unitLevel(unit: string, field = 'unit'): UnitLevel {
    const level = this.catalogue.requireUnitCode(field, unit);
    return level === 'province' ? 'province' : level === 'district' ? 'district' : 'unit';
  }

  /** The components a code stands for: a project and its sub-projects, or one component. */
  componentSet(code: string, field = 'component'): string[] {
    const c = this.catalogue.components.get(code);
    if (!c) throw InvalidRequest.field(field, `unknown component "${code}"; ${UNKNOWN_COMPONENT}`);
    if (c.level === 'project') {
      return [code, ...[...this.catalogue.components.values()].filter((x) => this.catalogue.componentAncestors(x.code).includes(code)).map((x) => x.code)];
    }
    return [code];
  }

  /** A component filter on a line's columns: a project by its project column, a sub-project, or component.content. */
  componentFilter(code: string, alias: string, w: Where): void {
    const p = alias ? `${alias}.` : '';
    const entry = this.catalogue.components.get(code);
    if (entry) {
      w.sql.push(`${p}${dimensionColumn(entry.level === 'project' ? 'project' : 'component')} = ?`);
      w.params.push(code);
      return;
    }
    const dot = code.lastIndexOf('.');
    const parent = dot > 0 ? this.catalogue.components.get(code.slice(0, dot)) : undefined;
    if (parent && (parent.contents ?? []).some((x) => x.code === code.slice(dot + 1))) {
      w.sql.push(`${p}${dimensionColumn('component')} = ?`, `${p}${dimensionColumn('content')} = ?`);
      w.params.push(parent.code, code.slice(dot + 1));
      return;
    }
    throw InvalidRequest.field('component', `unknown component "${code}"; ${UNKNOWN_COMPONENT}`);
  }

  /** The scopes by the column that holds them: a province's code in `province`, a district's in `district`, a commune's in `unit`. */
  private scopeColumns(scope: readonly string[]): Map<UnitLevel, string[]> {
    const byLevel = new Map<UnitLevel, string[]>();
    for (const code of scope) {
      const level = this.unitLevel(code, 'scope');
      addTo(byLevel, level, code);
    }
    return byLevel;
  }

  /** Only rows under the reader's scopes (`alias`: the table's alias, or ''); nothing when there are none. */
  scopeFilter(scope: ReadScope | undefined, alias: string, w: Where): void {
    if (scope === undefined || scope === 'all') return;
    const p = alias ? `${alias}.` : '';
    const byLevel = this.scopeColumns(scope);
    if (byLevel.size === 0) {
      w.sql.push('1 = 0');
      return;
    }
    w.sql.push(`(${[...byLevel.keys()].map((level) => `${p}${level} IN (SELECT value FROM json_each(?))`).join(' OR ')})`);
    w.params.push(...[...byLevel.values()].map((codes) => JSON.stringify(codes)));
  }

  /** The columns a scope filter reads. */
  scopeFilterColumns(scope: ReadScope | undefined): UnitLevel[] {
    return scope === undefined || scope === 'all' ? [] : [...this.scopeColumns(scope).keys()];
  }

  /** Whether a placed row is under the reader's scopes. */
  visible(scope: ReadScope | undefined, row: Placed): boolean {
    if (scope === undefined || scope === 'all') return true;
    return scope.some((code) => [row.unit, row.district, row.province].some((v) => String(v) === code));
  }

  /** The columns a component filter reads (see componentFilter). */
  componentColumns(code: string): string[] {
    const w: Where = { sql: [], params: [] };
    this.componentFilter(code, '', w);
    return w.sql.map((c) => c.split(' ')[0]);
  }
}
