import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnprocessableEntityException } from '@nestjs/common';
import { SeedValidationPipe, type ValidationIssue } from '#http';
import { CreateUserDto, UpdateUserDto } from './user.dto.js';

const pipe = new SeedValidationPipe();

type Dto = typeof CreateUserDto | typeof UpdateUserDto;

/** The body as the API's one validation pipe returns it (unknown fields dropped). */
async function accepted(metatype: Dto, body: object): Promise<Record<string, unknown>> {
  const dto = (await pipe.transform(body, { type: 'body', metatype })) as object;
  // Declared but absent fields are own properties set to undefined on the instance.
  return Object.fromEntries(Object.entries(dto).filter(([, value]) => value !== undefined));
}

/** The `loc` of each issue of the 422 the pipe throws for `body`. */
async function refused(metatype: Dto, body: object): Promise<string[]> {
  try {
    await pipe.transform(body, { type: 'body', metatype });
  } catch (error) {
    assert.ok(error instanceof UnprocessableEntityException, String(error));
    const detail = (error.getResponse() as { detail: ValidationIssue[] }).detail;
    for (const issue of detail) assert.equal(typeof issue.msg, 'string');
    return detail.map((issue) => issue.loc.join('.'));
  }
  return assert.fail(`expected ${JSON.stringify(body)} to be refused`);
}

const VALID_CREATE = { login: 'alice', password: 'long enough', role: 'operator', is_active: true };

/** Values of the wrong type (or null) for each field: every one must be refused. */
const WRONG: Record<string, unknown[]> = {
  login: [null, 0, 5, true, false, [], ['alice'], {}, { $ne: '' }],
  password: [null, 12345678, true, ['long enough'], { value: 'long enough' }],
  role: [null, 0, 2, true, ['admin'], { role: 'admin' }, 'Admin', 'root', ''],
  is_active: [null, 'true', 'false', '', 0, 1, [true], {}],
};

describe(CreateUserDto.name, () => {
  it('returns a valid body with every field', async () => {
    assert.deepEqual(await accepted(CreateUserDto, VALID_CREATE), VALID_CREATE);
  });

  it('returns a body without the optional role and is_active', async () => {
    const body = { login: 'alice', password: 'long enough' };
    assert.deepEqual(await accepted(CreateUserDto, body), body);
  });

  it('returns is_active false as false (a JSON boolean)', async () => {
    const body = await accepted(CreateUserDto, { ...VALID_CREATE, is_active: false });
    assert.equal(body.is_active, false);
  });

  it('drops unknown fields', async () => {
    const body = await accepted(CreateUserDto, { ...VALID_CREATE, is_admin: true, id: 1 });
    assert.deepEqual(body, VALID_CREATE);
  });

  for (const [field, values] of Object.entries(WRONG)) {
    it(`throws 422 at body.${field} for null and for values of the wrong type`, async () => {
      for (const value of values) {
        assert.deepEqual(
          await refused(CreateUserDto, { ...VALID_CREATE, [field]: value }),
          [`body.${field}`],
          JSON.stringify(value),
        );
      }
    });
  }

  it('throws 422 at body.login and body.password when they are missing', async () => {
    assert.deepEqual((await refused(CreateUserDto, {})).sort(), ['body.login', 'body.password']);
  });
});

describe(UpdateUserDto.name, () => {
  it('returns an empty body (nothing to change)', async () => {
    assert.deepEqual(await accepted(UpdateUserDto, {}), {});
  });

  it('returns an empty password as given (it means: keep the password)', async () => {
    assert.deepEqual(await accepted(UpdateUserDto, { password: '' }), { password: '' });
  });

  it('returns role and is_active false', async () => {
    const body = { role: 'viewer', is_active: false };
    assert.deepEqual(await accepted(UpdateUserDto, body), body);
  });

  it('returns the fields of a GET sent back, without the read-only ones', async () => {
    const view = {
      login: 'alice',
      role: 'viewer',
      is_active: true,
      created_at: '2025-01-01T00:00:00.000Z',
      updated_at: '2025-01-01T00:00:00.000Z',
      last_login_at: null,
    };
    assert.deepEqual(await accepted(UpdateUserDto, view), { role: 'viewer', is_active: true });
  });

  for (const [field, values] of Object.entries(WRONG)) {
    if (field === 'login') continue;
    it(`throws 422 at body.${field} for null and for values of the wrong type`, async () => {
      for (const value of values) {
        if (field === 'password' && value === '') continue;
        assert.deepEqual(
          await refused(UpdateUserDto, { [field]: value }),
          [`body.${field}`],
          JSON.stringify(value),
        );
      }
    });
  }
});
