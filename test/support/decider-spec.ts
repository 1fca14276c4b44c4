import type { ActivityEvent, FundLineEvent, FundLineKey, LedgerEvent } from '../../events';
import { FUND_LINE_EVENT_TYPES } from '../../events';
import { ActivityState, evolveActivity, initialActivityState } from '../../src/activity/activity.state';
import type { StreamEvents } from '../../src/commands/command';
import { activityStream, fundLineStream } from '../../src/fund-line/fund-line.key';
import { FundLineState, evolveFundLine, initialFundLineState } from '../../src/fund-line/fund-line.state';
import { CommandRefused, InvalidCommand } from '../../src/shared/errors';

const isFundLineEvent = (e: LedgerEvent): e is FundLineEvent => (FUND_LINE_EVENT_TYPES as readonly string[]).includes(e.type);

/** The stream an event belongs to, from its own data: a fund-line event by its line, an activity event by its id. */
export function streamOfEvent(e: LedgerEvent): string {
  return isFundLineEvent(e) ? fundLineStream(e.data.line) : activityStream((e as ActivityEvent).data.activityId);
}

/**
 * The streams a handler would load, folded: fund lines with evolveFundLine, activities with evolveActivity.
 * Immutable; `after` gives the world once a decider's events are appended.
 */
export class World {
  private constructor(
    private readonly lineStates: ReadonlyMap<string, FundLineState>,
    private readonly activityStates: ReadonlyMap<string, ActivityState>,
    private readonly log: ReadonlyMap<string, readonly LedgerEvent[]>,
  ) {}

  static empty(): World {
    return new World(new Map(), new Map(), new Map());
  }

  /** Folds prior events, each onto the stream its data names. */
  static of(events: readonly LedgerEvent[]): World {
    return World.empty().append(events.map((e) => ({ stream: streamOfEvent(e), events: [e] })));
  }

  /** The world after appending what a decider produced. Throws if an event was put on a stream its data does not name. */
  append(produced: readonly StreamEvents[]): World {
    const lines = new Map(this.lineStates);
    const activities = new Map(this.activityStates);
    const log = new Map(this.log);
    for (const { stream, events } of produced) {
      for (const raw of events) {
        const e = raw as LedgerEvent;
        const named = streamOfEvent(e);
        if (named !== stream) throw new Error(`${e.type} names stream ${named} but was appended to ${stream}`);
        log.set(stream, [...(log.get(stream) ?? []), e]);
        if (isFundLineEvent(e)) lines.set(stream, evolveFundLine(lines.get(stream) ?? initialFundLineState(), e));
        else activities.set(stream, evolveActivity(activities.get(stream) ?? initialActivityState(), e as ActivityEvent));
      }
    }
    return new World(lines, activities, log);
  }

  line(key: FundLineKey): FundLineState {
    return this.lineStates.get(fundLineStream(key)) ?? initialFundLineState();
  }

  activity(activityId: string): ActivityState {
    return this.activityStates.get(activityStream(activityId)) ?? initialActivityState();
  }

  /** Every fund line that has events, by stream name. */
  lines(): ReadonlyMap<string, FundLineState> {
    return this.lineStates;
  }

  /** Lines by stream name, with an empty state for the named keys that have no events yet (what a handler loads). */
  linesWith(keys: readonly FundLineKey[]): ReadonlyMap<string, FundLineState> {
    const out = new Map(this.lineStates);
    for (const k of keys) if (!out.has(fundLineStream(k))) out.set(fundLineStream(k), initialFundLineState());
    return out;
  }

  events(stream: string): readonly LedgerEvent[] {
    return this.log.get(stream) ?? [];
  }
}

type Matcher = string | RegExp;

function expectMatch(actual: string, matcher: Matcher | undefined): void {
  if (matcher === undefined) return;
  if (typeof matcher === 'string') expect(actual).toBe(matcher);
  else expect(actual).toMatch(matcher);
}

export class WhenSpec<C> {
  constructor(
    private readonly decide: (command: C, given: World) => readonly StreamEvents[],
    private readonly given: World,
    private readonly command: C,
  ) {}

  private run(): readonly StreamEvents[] {
    return this.decide(this.command, this.given);
  }

  /**
   * The decider produces exactly these events on exactly these streams, and the same again when asked twice
   * (it is pure). Note: this makes the object thenable — never `await` a `when(...)`.
   */
  then(expected: readonly StreamEvents[]): readonly StreamEvents[] {
    const produced = this.run();
    expect(produced).toEqual(expected);
    expect(this.run()).toEqual(produced);
    return produced;
  }

  /** Appends what the decider produced to the given events and hands the resulting world to `check`. */
  thenWorld(check: (after: World, produced: readonly StreamEvents[]) => void): void {
    const produced = this.run();
    check(this.given.append(produced), produced);
  }

  /** A business refusal (HTTP 409) with this code, and, when given, this reason. */
  thenThrows(type: typeof CommandRefused, code: string, reason?: Matcher): CommandRefused;
  /** A malformed command (HTTP 400) with a problem on this field, and, when given, this problem text. */
  thenThrows(type: typeof InvalidCommand, field: string, problem?: Matcher): InvalidCommand;
  thenThrows(type: typeof CommandRefused | typeof InvalidCommand, codeOrField: string, text?: Matcher): CommandRefused | InvalidCommand {
    let thrown: unknown;
    try {
      this.run();
    } catch (error) {
      thrown = error;
    }
    if (thrown === undefined) throw new Error(`expected ${type.name} ${codeOrField}, but the decider produced events`);
    expect(thrown).toBeInstanceOf(type);
    if (thrown instanceof CommandRefused) {
      expect(thrown.code).toBe(codeOrField);
      expectMatch(thrown.reason, text);
      return thrown;
    }
    const invalid = thrown as InvalidCommand;
    expect(invalid.problems.map((p) => p.field)).toContain(codeOrField);
    expectMatch(invalid.problems.find((p) => p.field === codeOrField)!.problem, text);
    return invalid;
  }
}

/**
 * given([events]).when(command).then([{ stream, events }]) / .thenThrows(CommandRefused, 'CODE').
 * `decide` picks from the folded world the states its decider needs, as the handler would load them.
 */
export function deciderSpec<C>(decide: (command: C, given: World) => readonly StreamEvents[]) {
  return {
    given: (events: readonly LedgerEvent[] = []) => ({
      when: (command: C) => new WhenSpec(decide, World.of(events), command),
    }),
  };
}
