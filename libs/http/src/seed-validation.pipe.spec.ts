import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnprocessableEntityException, type ArgumentMetadata } from '@nestjs/common';
import { plainToInstance, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  validate,
  ValidateNested,
  ValidationError,
} from 'class-validator';
import type { ValidationIssue } from './error-body.js';
import { SeedValidationPipe, toIssues } from './seed-validation.pipe.js';

class SshDto {
  @IsString() user!: string;
  @IsOptional() @IsInt() port?: number;
}

class ServerDto {
  @IsString() name!: string;
  @IsInt() @Min(1) @Max(65535) port!: number;
  @IsOptional() @IsBoolean() enabled?: boolean;
  @IsOptional() @IsIn(['prod', 'dev']) env?: string;
  @IsOptional() @ValidateNested() @Type(() => SshDto) ssh?: SshDto;
}

class PageQuery {
  @IsOptional() @IsString() sort?: string;
  @IsOptional() @IsIn(['asc', 'desc']) order?: string;
}

function issue(property: string, constraints?: Record<string, string>, value?: unknown) {
  return Object.assign(new ValidationError(), { property, constraints, value, children: [] });
}

/**
 * The fields that hold a value, recursively. (Compiled with ES2022 class fields, a DTO instance
 * also owns its declared optional fields, set to undefined.)
 */
function definedFields(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

async function validationErrors(plain: object): Promise<ValidationError[]> {
  return validate(plainToInstance(ServerDto, plain), {
    validationError: { target: false, value: true },
  });
}

/** The `detail` of the 422 the pipe throws for `value`; fails if it does not throw one. */
async function rejection(value: unknown, metadata: ArgumentMetadata): Promise<ValidationIssue[]> {
  try {
    await new SeedValidationPipe().transform(value, metadata);
  } catch (error) {
    assert.ok(error instanceof UnprocessableEntityException, String(error));
    assert.equal(error.getStatus(), 422);
    const response = error.getResponse() as { detail: ValidationIssue[] };
    assert.ok(Array.isArray(response.detail));
    return response.detail;
  }
  return assert.fail(`expected ${JSON.stringify(value)} to be refused`);
}

describe(toIssues.name, () => {
  it('returns one issue per failing field with loc, msg and type', async () => {
    const issues = toIssues(
      await validationErrors({ name: 7, port: 'x', enabled: 'yes', env: 'qa' }),
      ['body'],
    );
    assert.deepEqual(
      issues.map(({ loc, type }) => ({ loc, type })),
      [
        { loc: ['body', 'name'], type: 'string_type' },
        { loc: ['body', 'port'], type: 'int_type' },
        { loc: ['body', 'enabled'], type: 'bool_type' },
        { loc: ['body', 'env'], type: 'enum' },
      ],
    );
    for (const { msg } of issues) assert.ok(msg.length > 0);
  });

  it('returns nested errors flattened under their parent field', async () => {
    const issues = toIssues(
      await validationErrors({ name: 'db', port: 5432, ssh: { user: 1, port: 'x' } }),
      ['body'],
    );
    assert.deepEqual(
      issues.map((item) => item.loc),
      [
        ['body', 'ssh', 'user'],
        ['body', 'ssh', 'port'],
      ],
    );
  });

  it('returns type missing for an absent value', async () => {
    const issues = toIssues(await validationErrors({ port: 5432 }), ['body']);
    assert.deepEqual(issues, [
      { loc: ['body', 'name'], msg: 'name must be a string', type: 'missing' },
    ]);
  });

  it('returns the messages of one field joined, from hand-built errors at any depth', () => {
    const port = issue(
      'port',
      { min: 'port must not be less than 1', isInt: 'port must be an integer' },
      0,
    );
    const leaf = issue('user', { isString: 'user must be a string' }, 3);
    const middle = Object.assign(issue('ssh'), { children: [leaf] });
    const top = Object.assign(issue('server'), { children: [middle, port] });
    assert.deepEqual(toIssues([top], ['query']), [
      {
        loc: ['query', 'server', 'ssh', 'user'],
        msg: 'user must be a string',
        type: 'string_type',
      },
      {
        loc: ['query', 'server', 'port'],
        msg: 'port must not be less than 1; port must be an integer',
        type: 'int_type',
      },
    ]);
  });

  it('returns value_error for other constraints and nothing for no errors', () => {
    assert.deepEqual(toIssues([issue('port', { max: 'too big' }, 70000)], ['body']), [
      { loc: ['body', 'port'], msg: 'too big', type: 'value_error' },
    ]);
    assert.deepEqual(toIssues([], ['body']), []);
  });
});

describe(SeedValidationPipe.name, () => {
  const body: ArgumentMetadata = { type: 'body', metatype: ServerDto };

  it('returns an instance of the DTO for valid input', async () => {
    const result = await new SeedValidationPipe().transform(
      { name: 'db1', port: 5432, ssh: { user: 'postgres' } },
      body,
    );
    assert.ok(result instanceof ServerDto);
    assert.ok(result.ssh instanceof SshDto);
    assert.deepEqual(definedFields(result), {
      name: 'db1',
      port: 5432,
      ssh: { user: 'postgres' },
    });
  });

  it('returns the input without unknown fields, nested ones included', async () => {
    const result = (await new SeedValidationPipe().transform(
      { name: 'db1', port: 5432, id: 9, is_admin: true, ssh: { user: 'u', password: 'x' } },
      body,
    )) as ServerDto;
    assert.deepEqual(definedFields(result), { name: 'db1', port: 5432, ssh: { user: 'u' } });
  });

  it('throws 422 with loc [body, field] for invalid body fields', async () => {
    const detail = await rejection({ name: 'db1', port: 70000, ssh: { user: 5 } }, body);
    assert.deepEqual(
      detail.map((item) => item.loc),
      [
        ['body', 'port'],
        ['body', 'ssh', 'user'],
      ],
    );
  });

  it('throws 422 with loc [query, field] for invalid query parameters', async () => {
    const detail = await rejection({ order: 'sideways' }, { type: 'query', metatype: PageQuery });
    assert.deepEqual(detail, [
      {
        loc: ['query', 'order'],
        msg: 'order must be one of the following values: asc, desc',
        type: 'enum',
      },
    ]);
  });

  it('throws 422 with loc [path, field] for invalid path parameters', async () => {
    const detail = await rejection({ sort: 3 }, { type: 'param', metatype: PageQuery });
    assert.deepEqual(
      detail.map((item) => item.loc),
      [['path', 'sort']],
    );
  });

  it('returns values without a DTO class untouched', async () => {
    const pipe = new SeedValidationPipe();
    assert.equal(await pipe.transform('42', { type: 'param', metatype: String, data: 'id' }), '42');
    const raw = { anything: true };
    assert.equal(await pipe.transform(raw, { type: 'body' }), raw);
  });
});
