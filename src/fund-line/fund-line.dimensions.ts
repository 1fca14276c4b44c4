import type { FundLineKey } from '../../events';

/**
 * Dòng vốn: the dimensions of a fund line, defined once. Everything that spells a line out derives from
 * this table: the canonical key stored in events and the stream name (src/fund-line/fund-line.key.ts), the
 * read models' line columns, roll-up grains, row mappers and the query group/filter columns
 * (projections/balances/). FundLineKey (events/fund-line.events.ts) is the stored shape; the type below
 * makes a dimension missing here, or one too many, a compile error.
 */

/** How a dimension's values are written: a catalogue code (text) or a year (integer). */
export type DimensionKind = 'code' | 'year';

type KeyDimensionSpec<V> = (NonNullable<V> extends number ? { readonly kind: 'year' } : { readonly kind: 'code' }) &
  (undefined extends V ? { readonly optional: true } : { readonly optional?: false }) & {
    /** A sub-code named inside another dimension's value ("DA1.TDA1" + content "HT" → "DA1.TDA1.HT"). */
    readonly within?: keyof FundLineKey;
  };

/** The key's dimensions in canonical order: the order of FundLineKey's fields in stored events and of the stream name's segments. */
export const FUND_LINE_KEY_DIMENSIONS = {
  programme: { kind: 'code' },
  component: { kind: 'code' },
  content: { kind: 'code', optional: true, within: 'component' },
  budgetYear: { kind: 'year' },
  originYear: { kind: 'year' },
  source: { kind: 'code' },
  capitalType: { kind: 'code' },
  unit: { kind: 'code' },
} as const satisfies { readonly [K in keyof FundLineKey]-?: KeyDimensionSpec<FundLineKey[K]> };

/**
 * Where a line sits in the catalogue's trees, derived from one key dimension: the unit's district and province
 * (commune → district → province), the component's sub-project and project. Not part of the key: a read model
 * built with another catalogue is another read model.
 */
export const FUND_LINE_PLACES = {
  district: { kind: 'code', of: 'unit' },
  province: { kind: 'code', of: 'unit' },
  subProject: { kind: 'code', of: 'component' },
  project: { kind: 'code', of: 'component' },
} as const satisfies Readonly<Record<string, { readonly kind: 'code'; readonly of: keyof FundLineKey }>>;

export type KeyDimension = keyof typeof FUND_LINE_KEY_DIMENSIONS;
export type LinePlace = keyof typeof FUND_LINE_PLACES;
export type LineDimension = KeyDimension | LinePlace;
/** The places derived from one key dimension, e.g. 'district' | 'province' for 'unit'. */
export type PlacesOf<D extends KeyDimension> = { [P in LinePlace]: (typeof FUND_LINE_PLACES)[P]['of'] extends D ? P : never }[LinePlace];

const SPECS: Readonly<Record<LineDimension, { readonly kind: DimensionKind; readonly optional?: boolean; readonly within?: KeyDimension }>> = {
  ...FUND_LINE_KEY_DIMENSIONS,
  ...FUND_LINE_PLACES,
};

export const KEY_DIMENSIONS = Object.keys(FUND_LINE_KEY_DIMENSIONS) as readonly KeyDimension[];
export const LINE_PLACES = Object.keys(FUND_LINE_PLACES) as readonly LinePlace[];
/** Every dimension of a line: its key, then its places. */
export const LINE_DIMENSIONS: readonly LineDimension[] = [...KEY_DIMENSIONS, ...LINE_PLACES];

export const dimensionKind = (d: LineDimension): DimensionKind => SPECS[d].kind;
/** The read-model column that holds a dimension: its name in snake_case (budgetYear → budget_year). */
export const dimensionColumn = (d: LineDimension): string => d.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The places derived from one key dimension, in order: placesOf('unit') is ['district', 'province']. */
export const placesOf = <D extends KeyDimension>(d: D): PlacesOf<D>[] => LINE_PLACES.filter((p) => FUND_LINE_PLACES[p].of === d) as PlacesOf<D>[];

/** The dimension a sub-code is named inside of (content → component), if any. */
export const withinOf = (d: LineDimension): KeyDimension | undefined => SPECS[d].within;

type Specs = typeof FUND_LINE_KEY_DIMENSIONS & typeof FUND_LINE_PLACES;

/** Every dimension of a line, with its places in both trees; an absent optional dimension is ''. */
export type LineDimensions = { readonly [D in LineDimension]: Specs[D]['kind'] extends 'year' ? number : string };

/**
 * The key with its fields in canonical order and no absent optional member, as stored in events. From any
 * object that has the key's dimensions (a key, or a line's dimensions with '' for an absent content).
 */
export function canonicalFundLineKey(source: FundLineKey | LineDimensions): FundLineKey {
  const out: Record<string, string | number> = {};
  for (const d of KEY_DIMENSIONS) {
    const v = source[d];
    if (v === undefined || (SPECS[d].optional === true && v === '')) continue;
    out[d] = v;
  }
  return out as unknown as FundLineKey;
}

/** Each dimension that is not a sub-code, with the sub-codes named inside it. */
const SEGMENTS = KEY_DIMENSIONS.filter((d) => withinOf(d) === undefined).map((d) => ({ d, subs: KEY_DIMENSIONS.filter((s) => withinOf(s) === d) }));

/** A dimension's value with the sub-codes named inside it: component DA1.TDA1 with content HT is "DA1.TDA1.HT". */
export function codePath(key: FundLineKey, d: KeyDimension): string {
  let out = String(key[d]);
  for (const sub of KEY_DIMENSIONS) if (withinOf(sub) === d && key[sub] !== undefined && key[sub] !== '') out += `.${key[sub]}`;
  return out;
}

/** The segments that name a line, in canonical order: each dimension with its sub-codes (see codePath). */
export function keySegments(key: FundLineKey): string[] {
  return SEGMENTS.map(({ d, subs }) => (subs.length === 0 ? String(key[d]) : codePath(key, d)));
}
