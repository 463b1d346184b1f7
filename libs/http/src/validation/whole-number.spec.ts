import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { IsOmittable, parseWholeNumber, WholeNumber } from './whole-number.js';

class Sample {
  @WholeNumber('port', 1, 65535)
  port!: number;

  @IsOmittable()
  @WholeNumber('ssh_port', 1, 65535)
  ssh_port?: number;
}

/** The validated instance, or the names of the invalid fields. */
function check(plain: Record<string, unknown>): { value?: Sample; invalid: string[] } {
  const value = plainToInstance(Sample, plain);
  const invalid = validateSync(value).map((error) => error.property);
  return invalid.length === 0 ? { value, invalid } : { invalid };
}

describe('parseWholeNumber', () => {
  it('returns the number of a JSON integer or a string of decimal digits', () => {
    assert.equal(parseWholeNumber(5432), 5432);
    assert.equal(parseWholeNumber('5432'), 5432);
    assert.equal(parseWholeNumber('05432'), 5432);
    assert.equal(parseWholeNumber('-1'), -1);
    assert.equal(parseWholeNumber('0'), 0);
  });

  it('returns anything else unchanged', () => {
    for (const value of [
      true,
      null,
      undefined,
      '0x1538',
      '1e3',
      ' 5432',
      '5432 ',
      '+1',
      '1.0',
      '',
      '٣',
    ]) {
      assert.equal(parseWholeNumber(value), value, JSON.stringify(value));
    }
    const list = ['1'];
    assert.equal(parseWholeNumber(list), list);
  });
});

describe(WholeNumber.name, () => {
  it('returns integers and decimal strings in range as numbers', () => {
    assert.equal(check({ port: 5432 }).value?.port, 5432);
    assert.equal(check({ port: '5432' }).value?.port, 5432);
    assert.equal(check({ port: 1 }).value?.port, 1);
    assert.equal(check({ port: '65535' }).value?.port, 65535);
  });

  it('refuses other types, other spellings, fractions and out-of-range numbers', () => {
    for (const port of [
      true,
      false,
      null,
      undefined,
      '0x1538',
      '1e3',
      ' 5432',
      '5432.0',
      5432.5,
      1e20,
      '100000000000000000000',
      0,
      '-1',
      65536,
      Number.NaN,
      Infinity,
      [5432],
      { port: 5432 },
    ]) {
      assert.deepEqual(check({ port }).invalid, ['port'], JSON.stringify(port));
    }
  });

  it('says what a whole number is and what the range is', () => {
    const [typeError] = validateSync(plainToInstance(Sample, { port: '1e3' }));
    assert.match(Object.values(typeError?.constraints ?? {}).join(), /whole number/);
    const [rangeError] = validateSync(plainToInstance(Sample, { port: 0 }));
    assert.match(Object.values(rangeError?.constraints ?? {}).join(), /between 1 and 65535/);
  });
});

describe(IsOmittable.name, () => {
  it('returns no error for an omitted field, and refuses null', () => {
    assert.deepEqual(check({ port: 1 }).invalid, []);
    assert.deepEqual(check({ port: 1, ssh_port: null }).invalid, ['ssh_port']);
    assert.deepEqual(check({ port: 1, ssh_port: '22' }).invalid, []);
  });
});
