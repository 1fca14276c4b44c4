import { READ_MODELS } from '.';
import { BALANCES } from './balances';
import { HISTORY } from './history';
import { Projector, ReadModel, Tables, buildInOrder, checkRegistry } from './read-model';

const NOTHING: Projector = { apply: () => undefined, flush: () => undefined, committed: () => undefined, reload: () => undefined };

function model(name: string, uses: ReadModel[] = [], tables: Tables = new Tables({})): ReadModel<Projector, string> {
  return { name, handles: [], uses, tables, projector: () => NOTHING, queries: () => name };
}

describe('the read-model registry', () => {
  it('lists every read model after the ones it uses, with tables of distinct names', () => {
    expect(() => checkRegistry(READ_MODELS)).not.toThrow();
    expect(READ_MODELS.map((m) => m.name)).toEqual(['balances', 'history', 'progress', 'adjustments', 'decision-trail', 'stated-figures', 'notes', 'results', 'red-flags']);
  });

  it('refuses a model listed before one it uses: dependencies run one way', () => {
    expect(() => checkRegistry([HISTORY, BALANCES])).toThrow('read model history uses balances, which must come before it in READ_MODELS');
    expect(() => checkRegistry([HISTORY])).toThrow('read model history uses balances, which must come before it in READ_MODELS');
  });

  it('refuses two models with a table of the same name', () => {
    const a = model('a', [], new Tables({ lines: { columns: '(x)', key: 'x' } }));
    expect(() => checkRegistry([BALANCES, a])).toThrow('read models balances and a both have a table lines');
  });

  it('hands each model the parts of the models it uses, and refuses any other', () => {
    const a = model('a');
    const b = model('b', [a]);
    const built = buildInOrder([a, b], (m, earlier) => (m === b ? `${m.name} after ${String(earlier(a))}` : m.name));
    expect([...built.values()]).toEqual(['a', 'b after a']);
    const sneaky = model('c');
    expect(() => buildInOrder([a, sneaky], (m, earlier) => (m === sneaky ? String(earlier(a)) : m.name))).toThrow('read model c asks for a without listing it in its uses');
  });
});
