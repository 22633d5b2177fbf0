import { IsObject, IsOptional, IsString } from 'class-validator';
import { ValidationFailedError } from './domain-errors';
import { MAX_INPUT_DEPTH, createValidationPipe } from './validation.pipe';

class NamedThing {
  @IsString()
  name!: string;

  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;
}

const pipe = createValidationPipe();
const asBody = (value: unknown): Promise<unknown> => Promise.resolve(pipe.transform(value, { type: 'body', metatype: NamedThing }));

async function fieldsOf(value: unknown): Promise<Record<string, string[]>> {
  const error: unknown = await asBody(value).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ValidationFailedError)) throw new Error(`expected a ValidationFailedError, got ${String(error)}`);
  return error.fields ?? {};
}

describe('createValidationPipe', () => {
  it('passes a valid body through as the DTO, keys and text unchanged', async () => {
    const body = { name: 'emoji 😀 and "quotes"', params: { nested: { list: [1, 'two', { deep: true }] }, prototypeLike: 1 } };
    const result = await asBody(structuredClone(body));
    expect(result).toBeInstanceOf(NamedThing);
    expect(result).toEqual(Object.assign(new NamedThing(), body));
  });

  it('says a missing required field is required, once, and keeps the rules\' messages for a wrong value', async () => {
    expect(await fieldsOf({})).toEqual({ name: ['name is required'] });
    expect(await fieldsOf({ name: 42 })).toEqual({ name: ['name must be a string'] });
  });

  it('rejects unknown fields, naming them', async () => {
    expect(await fieldsOf({ name: 'n', extra: 1 })).toEqual({ extra: ['property extra should not exist'] });
  });

  it.each(['prototype', 'constructor', '__proto__'])('rejects a %s key at the top level instead of dropping it silently', async (key) => {
    const body = JSON.parse(`{"name":"n","${key}":"x"}`) as unknown;
    expect(await fieldsOf(body)).toEqual({ [key]: [`property ${key} should not exist`] });
  });

  it.each(['prototype', 'constructor', '__proto__'])('rejects a %s key nested in free-form params instead of dropping it silently', async (key) => {
    const body = JSON.parse(`{"name":"n","params":{"outer":[{"${key}":1}]}}`) as unknown;
    expect(await fieldsOf(body)).toEqual({ [`params.outer[0].${key}`]: [`property ${key} should not exist`] });
  });

  it('rejects top-level keys that name inherited Object members, which the whitelist would miss', async () => {
    expect(await fieldsOf({ name: 'n', hasOwnProperty: 'x', toString: 1 })).toEqual({
      hasOwnProperty: ['property hasOwnProperty should not exist'],
      toString: ['property toString should not exist'],
    });
  });

  it('accepts inherited member names as keys inside free-form params (they are plain data there)', async () => {
    await expect(asBody({ name: 'n', params: { toString: 'a', valueOf: 2 } })).resolves.toBeInstanceOf(NamedThing);
  });

  it('rejects text with a lone surrogate wherever it is, since FalkorDB would store U+FFFD instead', async () => {
    expect(await fieldsOf({ name: '\ud800' })).toEqual({ name: ['name must be well-formed Unicode text (it contains a lone surrogate)'] });
    expect(await fieldsOf({ name: 'n', params: { list: ['ok', 'bad \udc00'] } })).toEqual({
      'params.list[1]': ['params.list[1] must be well-formed Unicode text (it contains a lone surrogate)'],
    });
    expect(await fieldsOf({ name: 'n', params: { ['key\ud83d']: 1 } })).toEqual({ params: ['params has a key that is not well-formed Unicode text without NUL'] });
  });

  it('rejects the NUL character in any text and any key, since FalkorDB would cut the text there', async () => {
    expect(await fieldsOf({ name: 'a\u0000b' })).toEqual({ name: ['name must not contain the NUL character (U+0000)'] });
    expect(await fieldsOf({ name: 'n', params: { nested: { list: ['\u0000'] } } })).toEqual({
      'params.nested.list[0]': ['params.nested.list[0] must not contain the NUL character (U+0000)'],
    });
    expect(await fieldsOf({ name: 'n', params: { ['k\u0000']: 1 } })).toEqual({ params: ['params has a key that is not well-formed Unicode text without NUL'] });
  });

  it('refuses nesting deeper than MAX_INPUT_DEPTH without recursing into it', async () => {
    let deep: unknown = 'leaf';
    for (let level = 0; level < 10_000; level += 1) deep = [deep];
    expect(await fieldsOf({ name: 'n', params: { deep } })).toEqual({ body: [`body nests arrays and objects deeper than ${MAX_INPUT_DEPTH} levels`] });
  });

  it('accepts nesting up to MAX_INPUT_DEPTH', async () => {
    let deep: unknown = 'leaf';
    for (let level = 0; level < MAX_INPUT_DEPTH - 2; level += 1) deep = [deep];
    await expect(asBody({ name: 'n', params: { deep } })).resolves.toBeInstanceOf(NamedThing);
  });

  it("hands a custom decorator's value and a text path parameter back as they are, at once", () => {
    const principal = { username: 'alice' };
    expect(pipe.transform(principal, { type: 'custom', metatype: Object })).toBe(principal);
    expect(pipe.transform('tok-1', { type: 'param', metatype: String, data: 'tokenId' })).toBe('tok-1');
  });

  it("still validates a path parameter object and converts a numeric one, as Nest's pipe does", async () => {
    await expect(pipe.transform({ name: 'n', extra: 1 }, { type: 'param', metatype: NamedThing })).rejects.toThrow();
    await expect(pipe.transform('42', { type: 'param', metatype: Number, data: 'n' })).resolves.toBe(42);
  });
});
