import type { FundLineKey } from '../../events';
import type { Catalogue } from '../../src/catalogue/catalogue';
import { KEY_DIMENSIONS, LineDimensions, PlacesOf } from '../../src/fund-line/fund-line.dimensions';

export type { LineDimensions };

/** Where a unit sits in the administrative tree: its district and province ('' when it has none or is unknown). */
export type UnitPlace = { readonly [P in PlacesOf<'unit'>]: string };

/** Where a component sits in the programme tree: its sub-project (itself for a project without sub-projects) and project. */
export type ComponentPlace = { readonly [P in PlacesOf<'component'>]: string };

/**
 * What the folds may know besides the events: the catalogue's trees (commune → district → province,
 * content → sub-project → project). Pure data, read once; a read model built with another catalogue is
 * another read model (the runner starts a fresh generation when the trees change).
 */
export interface ProjectionContext {
  unitPlace(unit: string): UnitPlace;
  componentPlace(component: string): ComponentPlace;
  /** Identifies the trees: same fingerprint, same read model. */
  readonly fingerprint: string;
}

/** Every dimension of a line (fund-line.dimensions.ts): its key, '' for an absent content, and its places in both trees. */
export function lineDimensions(key: FundLineKey, ctx: ProjectionContext): LineDimensions {
  const dims: Record<string, string | number> = {};
  for (const d of KEY_DIMENSIONS) dims[d] = key[d] ?? '';
  return { ...(dims as Omit<LineDimensions, keyof UnitPlace | keyof ComponentPlace>), ...ctx.unitPlace(key.unit), ...ctx.componentPlace(key.component) };
}

export function catalogueContext(catalogue: Catalogue): ProjectionContext {
  const units = new Map<string, UnitPlace>();
  const components = new Map<string, ComponentPlace>();
  const unitPlace = (unit: string): UnitPlace => {
    let place = units.get(unit);
    if (!place) {
      let district = '';
      let province = '';
      for (const code of [unit, ...catalogue.unitAncestors(unit)]) {
        const level = catalogue.units.get(code)?.level;
        if (level === 'district' && !district) district = code;
        if (level === 'province' && !province) province = code;
      }
      place = { district, province };
      units.set(unit, place);
    }
    return place;
  };
  const componentPlace = (component: string): ComponentPlace => {
    let place = components.get(component);
    if (!place) {
      const chain = [component, ...catalogue.componentAncestors(component)];
      const subProject = chain.find((c) => catalogue.components.get(c)?.level === 'sub-project') ?? component;
      place = { subProject, project: chain[chain.length - 1] };
      components.set(component, place);
    }
    return place;
  };
  const trees = {
    units: [...catalogue.units.values()].map((u) => [u.code, u.level, u.parent ?? '']).sort(),
    components: [...catalogue.components.values()].map((c) => [c.code, c.level, c.parent ?? '']).sort(),
  };
  return { unitPlace, componentPlace, fingerprint: fnv1a(JSON.stringify(trees)) };
}

/** 64-bit FNV-1a of a string, hex: a cheap identity (of the catalogue trees, of the tables' shape), not a security hash. */
export function fnv1a(text: string): string {
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
