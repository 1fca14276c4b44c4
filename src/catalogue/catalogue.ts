import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidCommand, InvalidRequest } from '../shared/errors';
import { BUILT_IN_CATALOGUE_DIR } from './built-in';
import { ProgrammeFile, readProgrammeFile } from './programme-file';
import { UnitLevel, UnitVersion } from './units/unit-lists';
import { unitProblem } from './units/unit-problem';
import { UnitInput, UnitRegistry, UnitWhen } from './units/unit-registry';

export { BUILT_IN_CATALOGUE_DIR };

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
export interface StageEntry extends Named {
  readonly started?: boolean;
  readonly completed?: boolean;
}
/** The stages, in order, that activities of some kinds go through. */
export interface LifecycleEntry extends Named {
  readonly kinds: readonly string[];
  readonly stages: readonly StageEntry[];
}
/** An outcome indicator of the results framework: a count of households or a rate (%). */
export interface OutcomeIndicatorEntry extends Named {
  readonly kind: 'count' | 'rate';
  readonly unit: string;
}
export interface IndicatorEntry extends Named {
  readonly unit: string;
  /** Counts beneficiaries: may be recorded per beneficiary category. */
  readonly byCategory?: boolean;
}
export interface LegalBasisEntry {
  readonly number: string;
  readonly date: string;
  readonly issuer: string;
  readonly title?: string;
}
/** A programme as its catalogue file declares it: the documents that make it law and the days it is valid. */
export interface ProgrammeEntry extends Named {
  readonly legalBasis: readonly LegalBasisEntry[];
  readonly validFrom: string;
  readonly validTo: string;
  /** Budget years a plan may be assigned for: the years of validFrom to validTo. */
  readonly firstYear: number;
  readonly lastYear: number;
  /** Version of the catalogue file, and where it was read from. */
  readonly version: number;
  readonly file: string;
}


function index<T extends { code: string }>(entries: readonly T[]): Map<string, T> {
  return new Map(entries.map((e) => [e.code, e]));
}

/** The lists of one programme (or of all of them together): components, sources, capital types, kinds, categories, indicators. */
export class CatalogueLists {
  constructor(
    readonly components: ReadonlyMap<string, ComponentEntry>,
    readonly sources: ReadonlyMap<string, Named>,
    readonly capitalTypes: ReadonlyMap<string, Named>,
    readonly activityKinds: ReadonlyMap<string, ActivityKindEntry>,
    readonly beneficiaryCategories: ReadonlyMap<string, Named>,
    readonly indicators: ReadonlyMap<string, IndicatorEntry>,
    readonly lifecycles: ReadonlyMap<string, LifecycleEntry> = new Map(),
    readonly outcomeIndicators: ReadonlyMap<string, OutcomeIndicatorEntry> = new Map(),
  ) {}

  /** The lifecycle activities of a kind go through, if any. */
  lifecycleOf(kind: string): LifecycleEntry | undefined {
    for (const l of this.lifecycles.values()) if (l.kinds.includes(kind)) return l;
    return undefined;
  }

  /** Sub-components of a component. */
  childrenOf(code: string): ComponentEntry[] {
    return [...this.components.values()].filter((c) => c.parent === code);
  }

  /** Components a fund line can be held on: those without sub-components. */
  isLeafComponent(code: string): boolean {
    return this.childrenOf(code).length === 0;
  }

  /** Ancestors of a component, nearest first ("DA3.TDA1" → ["DA3"]). */
  componentAncestors(code: string): string[] {
    const out: string[] = [];
    for (let c = this.components.get(code)?.parent; c && !out.includes(c); c = this.components.get(c)?.parent) out.push(c);
    return out;
  }
}

/** One programme's catalogue file, checked and indexed. */
export class ProgrammeCatalogue extends CatalogueLists {
  readonly programme: ProgrammeEntry;

  constructor(
    readonly file: ProgrammeFile,
    path: string,
  ) {
    super(
      index<ComponentEntry>(file.components),
      index<Named>(file.sources),
      index<Named>(file.capitalTypes),
      index<ActivityKindEntry>(file.activityKinds),
      index<Named>(file.beneficiaryCategories),
      index<IndicatorEntry>(file.indicators),
      index<LifecycleEntry>(file.lifecycles ?? []),
      index<OutcomeIndicatorEntry>(file.outcomeIndicators ?? []),
    );
    const p = file.programme;
    this.programme = {
      code: p.code,
      nameVi: p.nameVi,
      ...(p.nameEn !== undefined ? { nameEn: p.nameEn } : {}),
      legalBasis: p.legalBasis,
      validFrom: p.validFrom,
      validTo: p.validTo,
      firstYear: Number(p.validFrom.slice(0, 4)),
      lastYear: Number(p.validTo.slice(0, 4)),
      version: file.version,
      file: path,
    };
  }
}

/** Merges the lists of several programmes: the first programme (earliest validity) wins a code they share. */
function union(programmes: readonly ProgrammeCatalogue[]): CatalogueLists {
  const merge = <T>(pick: (p: ProgrammeCatalogue) => ReadonlyMap<string, T>): Map<string, T> => {
    const out = new Map<string, T>();
    for (const p of programmes) for (const [code, e] of pick(p)) if (!out.has(code)) out.set(code, e);
    return out;
  };
  return new CatalogueLists(
    merge((p) => p.components),
    merge((p) => p.sources),
    merge((p) => p.capitalTypes),
    merge((p) => p.activityKinds),
    merge((p) => p.beneficiaryCategories),
    merge((p) => p.indicators),
    merge((p) => p.lifecycles),
    merge((p) => p.outcomeIndicators),
  );
}

/**
 * What the ledger knows besides the events: the programmes, each from its catalogue file (components,
 * sources, capital types, activity kinds, beneficiary categories, indicators, legal basis, validity), and
 * the administrative units of the whole country with their periods, shared by every programme.
 *
 * Lookups that take a `programme` use that programme's lists; without one (or with an unknown one) they
 * use all programmes together, the earliest programme winning a code two of them share.
 */
export class Catalogue {
  readonly programmes: ReadonlyMap<string, ProgrammeEntry>;
  private readonly byProgramme: ReadonlyMap<string, ProgrammeCatalogue>;
  private readonly all: CatalogueLists;
  private readonly unitProblems = new Map<string, string>();

  constructor(
    programmes: readonly ProgrammeCatalogue[],
    readonly units: UnitRegistry = UnitRegistry.builtIn(),
  ) {
    const ordered = [...programmes].sort((a, b) => a.programme.validFrom.localeCompare(b.programme.validFrom) || a.programme.code.localeCompare(b.programme.code));
    const byProgramme = new Map<string, ProgrammeCatalogue>();
    for (const p of ordered) {
      const other = byProgramme.get(p.programme.code);
      if (other) {
        throw new Error(
          `catalogue: programme ${p.programme.code} is in both ${other.programme.file} and ${p.programme.file}; keep one catalogue version per programme in the folder`,
        );
      }
      byProgramme.set(p.programme.code, p);
    }
    this.byProgramme = byProgramme;
    this.programmes = new Map(ordered.map((p) => [p.programme.code, p.programme]));
    this.all = union(ordered);
  }

  /**
   * Every `*.json` programme catalogue of a folder (LEDGER_CATALOGUE_DIR; the built-in catalogues by
   * default), each checked: a bad file throws naming the file and its bad fields, so the ledger does not start.
   */
  static load(dir: string = BUILT_IN_CATALOGUE_DIR, units: UnitRegistry = UnitRegistry.builtIn()): Catalogue {
    let names: string[];
    try {
      names = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    } catch (error) {
      throw new Error(`catalogue folder ${dir} cannot be read: ${(error as Error).message}`);
    }
    if (names.length === 0) throw new Error(`catalogue folder ${dir} has no programme catalogue (*.json)`);
    return new Catalogue(
      names.map((name) => new ProgrammeCatalogue(readProgrammeFile(join(dir, name)), join(dir, name))),
      units,
    );
  }

  /** The same programmes with more units (hand-made extensions, e.g. a synthetic country for benchmarks). */
  withUnits(extra: readonly UnitInput[]): Catalogue {
    return new Catalogue([...this.byProgramme.values()], this.units.withUnits(extra));
  }

  /** One programme's catalogue. */
  programme(code: string): ProgrammeCatalogue | undefined {
    return this.byProgramme.get(code);
  }

  /** The lists of a programme, or of all programmes when it is not given or not known. */
  lists(programme?: string): CatalogueLists {
    return (programme === undefined ? undefined : this.byProgramme.get(programme)) ?? this.all;
  }

  get components(): ReadonlyMap<string, ComponentEntry> {
    return this.all.components;
  }
  get sources(): ReadonlyMap<string, Named> {
    return this.all.sources;
  }
  get capitalTypes(): ReadonlyMap<string, Named> {
    return this.all.capitalTypes;
  }
  get activityKinds(): ReadonlyMap<string, ActivityKindEntry> {
    return this.all.activityKinds;
  }
  get beneficiaryCategories(): ReadonlyMap<string, Named> {
    return this.all.beneficiaryCategories;
  }
  get indicators(): ReadonlyMap<string, IndicatorEntry> {
    return this.all.indicators;
  }

  isLeafComponent(code: string, programme?: string): boolean {
    return this.lists(programme).isLeafComponent(code);
  }

  componentAncestors(code: string, programme?: string): string[] {
    return this.lists(programme).componentAncestors(code);
  }

  requireProgramme(field: string, code: string): ProgrammeEntry {
    return requireEntry(field, 'programme', code, this.programmes);
  }
  requireComponent(field: string, code: string, programme?: string): ComponentEntry {
    return requireEntry(field, 'component', code, this.lists(programme).components);
  }
  requireSource(field: string, code: string, programme?: string): Named {
    return requireEntry(field, 'source', code, this.lists(programme).sources);
  }
  requireCapitalType(field: string, code: string, programme?: string): Named {
    return requireEntry(field, 'capital type', code, this.lists(programme).capitalTypes);
  }
  requireActivityKind(field: string, code: string, programme?: string): ActivityKindEntry {
    return requireEntry(field, 'activity kind', code, this.lists(programme).activityKinds);
  }
  requireBeneficiaryCategory(field: string, code: string, programme?: string): Named {
    return requireEntry(field, 'beneficiary category', code, this.lists(programme).beneficiaryCategories);
  }
  requireIndicator(field: string, code: string, programme?: string): IndicatorEntry {
    return requireEntry(field, 'indicator', code, this.lists(programme).indicators);
  }
  requireOutcomeIndicator(field: string, code: string, programme?: string): OutcomeIndicatorEntry {
    return requireEntry(field, 'outcome indicator', code, this.lists(programme).outcomeIndicators);
  }

  /**
   * The unit a code names at `when`: a budget year (valid if the unit existed on any day of it) or a day.
   * Otherwise refused with the code, why (unknown, or when it existed) and at most five nearest units.
   */
  requireUnit(field: string, code: string, when: UnitWhen): UnitVersion {
    const found = this.units.during(code, when)[0];
    if (found) return found;
    // A journal may repeat one bad code in many entries: its suggestions are looked for once.
    const key = `${code}|${when}`;
    let problem = this.unitProblems.get(key);
    if (problem === undefined) {
      if (this.unitProblems.size >= MAX_CACHED_PROBLEMS) this.unitProblems.clear();
      problem = unitProblem(this.units, code, when) as string;
      this.unitProblems.set(key, problem);
    }
    throw InvalidCommand.field(field, problem);
  }

  /** A code known in any period (query filters over history), with its level. */
  requireUnitCode(field: string, code: string): UnitLevel {
    const level = this.units.levelOf(code);
    if (level !== undefined) return level;
    const near = this.units.nearest(code).map((v) => this.units.label(v));
    throw InvalidRequest.field(field, `unknown administrative unit "${code}"${near.length > 0 ? `; nearest: ${near.join(', ')}` : ''}`);
  }

  /** Codes above a unit, nearest first: at `when` (a year or a day), or over all its periods. */
  unitAncestors(code: string, when?: UnitWhen): string[] {
    return this.units.ancestors(code, when);
  }

  /** A unit's name in its latest period, for messages. */
  unitName(code: string): string | undefined {
    const versions = this.units.versionsOf(code);
    return versions[versions.length - 1]?.nameVi;
  }
}

const SHORT_LIST = 40;
const MAX_CACHED_PROBLEMS = 10_000;

function requireEntry<T>(field: string, what: string, code: string, entries: ReadonlyMap<string, T>): T {
  const found = entries.get(code);
  if (found) return found;
  const valid = [...entries.keys()];
  const list = valid.length > SHORT_LIST ? `${valid.slice(0, SHORT_LIST).join(', ')} … (${valid.length} in all; GET /catalogue lists them)` : valid.join(', ');
  throw InvalidCommand.field(field, `unknown ${what} "${code}"; valid: ${list}`);
}
