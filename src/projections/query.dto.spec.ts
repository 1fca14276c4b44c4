import { ledgerValidationPipe } from '../api/validation';
import { AdjustmentsQueryDto, BalancesQueryDto } from './query.dto';

/** The global pipe, as createApp installs it, applied to a query string already parsed by Fastify. */
const validate = <T>(metatype: new () => T, query: Record<string, unknown>) =>
  ledgerValidationPipe().transform(query, { type: 'query', metatype }) as Promise<T>;

describe('query parameters that are lists (groupBy, kind)', () => {
  it('stay absent when not given, rather than becoming ["undefined"]', async () => {
    expect((await validate(BalancesQueryDto, {})).groupBy).toBeUndefined();
    expect((await validate(AdjustmentsQueryDto, { unit: '184' })).kind).toBeUndefined();
  });

  it('stay absent when a field is present but undefined, as in an object validated once already', async () => {
    const once = await validate(BalancesQueryDto, { component: 'DA2' });
    const twice = await validate(BalancesQueryDto, { ...once });
    expect(twice).toMatchObject({ component: 'DA2' });
    expect(twice.groupBy).toBeUndefined();
    expect((await validate(AdjustmentsQueryDto, { kind: undefined })).kind).toBeUndefined();
  });

  it('split comma-separated and repeated values', async () => {
    expect((await validate(BalancesQueryDto, { groupBy: 'district, subProject' })).groupBy).toEqual(['district', 'subProject']);
    expect((await validate(AdjustmentsQueryDto, { kind: ['move-in', 'move-out'] })).kind).toEqual(['move-in', 'move-out']);
  });
});
