import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { createValidationPipe } from '../../common/validation.pipe';
import { GraphNameParam } from './graph-name.param';
import { RunQueryDto } from './run-query.dto';
import { MAX_QUERY_LENGTH } from './cypher-text';

const classValidatorAccepts = (metatype: new () => object, value: object): boolean =>
  validateSync(plainToInstance(metatype, value), { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }).length === 0;

const queries: object[] = [
  { query: 'MATCH (n) RETURN n' },
  { query: 'RETURN $x', params: { x: 1 }, timeoutMs: 5000, readOnly: true },
  { query: 'RETURN 1', readOnly: false, timeoutMs: 1 },
  { query: 'x'.repeat(MAX_QUERY_LENGTH) },
  { query: 'x'.repeat(MAX_QUERY_LENGTH + 1) },
  { query: '😀'.repeat(MAX_QUERY_LENGTH / 2 + 1) },
  { query: '' },
  { query: '   \n\t' },
  { query: 'RETURN 1\u0000' },
  { query: 1 },
  {},
  { query: 'RETURN 1', params: null },
  { query: 'RETURN 1', params: [] },
  { query: 'RETURN 1', params: 'x' },
  { query: 'RETURN 1', timeoutMs: 0 },
  { query: 'RETURN 1', timeoutMs: -5 },
  { query: 'RETURN 1', timeoutMs: 1.5 },
  { query: 'RETURN 1', timeoutMs: '100' },
  { query: 'RETURN 1', timeoutMs: null },
  { query: 'RETURN 1', timeoutMs: 2 ** 60 },
  { query: 'RETURN 1', readOnly: 'true' },
  { query: 'RETURN 1', readOnly: null },
  { query: 'RETURN 1', extra: 1 },
  Object.assign(Object.create({ inherited: 1 }), { query: 'RETURN 1' }),
];

const graphNames: object[] = [{ graph: 'social' }, { graph: 'a.b:c-d_e' }, { graph: '' }, { graph: '-x' }, { graph: 'a b' }, { graph: 'x'.repeat(101) }, { graph: 1 }, {}, { graph: 'ok', other: 'x' }];

describe.each([
  ['RunQueryDto', RunQueryDto, queries],
  ['GraphNameParam', GraphNameParam, graphNames],
] as const)('%s.isCertainlyValid', (_name, metatype, samples) => {
  it.each(samples.map((sample) => [JSON.stringify(sample)?.slice(0, 60), sample]))('never vouches for what class-validator refuses: %s', (_label, sample) => {
    if (metatype.isCertainlyValid(sample)) expect(classValidatorAccepts(metatype, sample)).toBe(true);
  });
});

describe('the validation pipe with a certainly-valid DTO', () => {
  const pipe = createValidationPipe();

  it('takes the common bodies on the fast path and hands them over as the DTO, values unchanged', async () => {
    for (const body of [{ query: 'MATCH (n) RETURN n' }, { query: 'RETURN $x', params: { x: { deep: [1, 'two'] } }, timeoutMs: 5000, readOnly: true }]) {
      expect(RunQueryDto.isCertainlyValid(body)).toBe(true);
      const result = await pipe.transform(structuredClone(body), { type: 'body', metatype: RunQueryDto });
      expect(result).toBeInstanceOf(RunQueryDto);
      expect(result).toEqual(Object.assign(new RunQueryDto(), body));
    }
    expect(GraphNameParam.isCertainlyValid({ graph: 'social' })).toBe(true);
  });

  it('still answers what the fast path declines with the full validation and its messages', async () => {
    await expect(pipe.transform({ query: 'RETURN 1', timeoutMs: 0 }, { type: 'body', metatype: RunQueryDto })).rejects.toMatchObject({
      fields: { timeoutMs: ['timeoutMs must be a positive integer'] },
    });
    await expect(pipe.transform({ graph: 'a b' }, { type: 'param', metatype: GraphNameParam })).rejects.toMatchObject({
      fields: { graph: [expect.stringContaining('graph must be')] },
    });
  });

  it('still refuses NUL and lone surrogates anywhere in a body the fast path would otherwise take', async () => {
    await expect(pipe.transform({ query: 'RETURN $x', params: { x: 'a\u0000b' } }, { type: 'body', metatype: RunQueryDto })).rejects.toMatchObject({
      fields: { 'params.x': [expect.stringContaining('NUL')] },
    });
  });
});
