/**
 * The OpenAPI document tells the truth, checked by walking /openapi.json against the real app
 * and the real targets, route by route (a route added later is walked too):
 *
 * - every body and parameter has an example its own schema admits, and the example, sent
 *   unchanged as Swagger UI's "Try it out" sends it, is never refused with a 422;
 * - a normal call answers a documented 2xx, and error calls (no token, a role too low, an
 *   object that does not exist, a target that refuses or never answers) documented errors;
 * - every answer, whatever its status, validates against the documented schema (Ajv);
 * - values built from each field's schema are refused with a 422 at that field exactly when
 *   the schema refuses them: types, nullability, bounds, lengths, enums, patterns, required.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { validate as validateDocument } from '@readme/openapi-parser';
import type { Response } from 'supertest';
import {
  bearer,
  startTestApi,
  TEST_ADMIN_PASSWORD,
  type TestApi,
  type TestRole,
} from '../support/api.js';
import { createStoreDatabase } from '../support/postgres-store.js';
import { readTargets } from '../support/targets-info.js';
import {
  CALL_TIMEOUT,
  PATH_FIXTURES,
  QUERY_FIXTURES,
  removeCreatedObjects,
  type FixtureContext,
  type PathValue,
} from './contract-fixtures.js';
import { OMITTED, probesOf, type Carrier } from './field-probes.js';
import {
  bodyExampleOf,
  declaresType,
  dereference,
  mediaTypeEssence,
  operationsOf,
  parameterExampleOf,
  requestBodyOf,
  responseFor,
  type DocumentedOperation,
  type OpenApiDocument,
  type Schema,
} from './openapi-document.js';
import { SchemaValidator } from './schema-validator.js';

/** Short timeouts towards the targets that never answer, so that calls on them stay quick. */
const ENV = {
  LOGIN_MAX_FAILURES: '1000',
  PG_CONNECT_TIMEOUT_MS: '1000',
  STATUS_DEADLINE_MS: '1500',
  NOTIFICATION_TIMEOUT_MS: '2000',
};

/** Body fields that a normal call needs and no published example may hold: real credentials. */
const NORMAL_BODIES: Record<string, () => Record<string, unknown>> = {
  'POST /token': () => ({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
};

/** Error answers that no generic call provokes, each provoked for real. */
const ERROR_CALLS: Record<string, () => Promise<Response>> = {
  'GET /api/health': healthWithStoreDown,
  'POST /api/logout': () =>
    api.http.post('/api/logout').set('Origin', 'https://elsewhere.example').timeout(CALL_TIMEOUT),
};

/** What a normal call needs that no document can hold: a session's refresh cookie. */
const NORMAL_COOKIES: Record<string, () => Promise<string>> = {
  'POST /api/refresh': refreshCookie,
};

const CONTRACT_USERS: Record<Exclude<TestRole, 'admin'>, string> = {
  viewer: 'contract-viewer',
  operator: 'contract-operator',
};

// A PostgreSQL store, which a test can make unreachable (GET /api/health answers 503).
const store = await createStoreDatabase(readTargets().pg.main, 'contract_store');
const api: TestApi = await startTestApi({ ...ENV, DATABASE_URL: store.url });
const document = (await api.http.get('/openapi.json')).body as OpenApiDocument;
const validator = new SchemaValidator(document);
const tokens = {} as Record<TestRole, string>;

/** One request of the walk. `role: null` sends no token. */
interface Call {
  label: string;
  server?: string;
  path: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  role: TestRole | null;
  cookie?: string;
}

/** Statuses each route answered and whose body validated, over all its tests. */
const validated = new Map<string, number[]>();

describe('OpenAPI contract', () => {
  before(async () => {
    tokens.admin = await api.adminToken();
    tokens.viewer = await api.userToken(CONTRACT_USERS.viewer, 'viewer');
    tokens.operator = await api.userToken(CONTRACT_USERS.operator, 'operator');
  });

  after(async () => {
    await api.close();
    await store.drop();
  });

  describe('GET /openapi.json', () => {
    it('returns a valid OpenAPI 3.1 document (@readme/openapi-parser)', async () => {
      assert.match(document.openapi, /^3\.1\./);
      const result = await validateDocument(
        structuredClone(document) as Parameters<typeof validateDocument>[0],
      );
      assert.deepEqual(result.valid ? [] : result.errors, []);
    });

    it('returns each path once, the /api aliases as a second server', () => {
      const servers = (document.servers ?? []).map((server) => server.url);
      assert.deepEqual(servers, ['/', '/api']);
      for (const { route, path, servers: served } of operationsOf(document)) {
        if (path.startsWith('/api/')) {
          assert.deepEqual(served, ['/'], `${route} is served as it is, not under /api/api`);
          assert.ok(!(path.slice(4) in document.paths), `${route} is also listed without /api`);
        }
      }
    });

    it('returns components whose every property example matches the property', () => {
      const problems = Object.entries(document.components.schemas).flatMap(([name, schema]) =>
        Object.entries(schema.properties ?? {}).flatMap(([property, propertySchema]) => {
          if (propertySchema.example === undefined) return [];
          const errors = validator.errors(propertySchema, propertySchema.example);
          return errors ? [`${name}.${property}: ${errors}`] : [];
        }),
      );
      assert.deepEqual(problems, []);
    });
  });

  for (const entry of operationsOf(document)) {
    describe(entry.route, () => operationTests(entry));
  }
});

function operationTests(entry: DocumentedOperation): void {
  const releases: (() => Promise<void>)[] = [];
  const context: FixtureContext = {
    api,
    get adminToken() {
      return tokens.admin;
    },
    onRelease: (release) => releases.push(release),
    resolved: {},
  };
  let path: Record<string, PathValue> = {};
  let cookie: string | undefined;
  let exampleStatus: number | undefined;

  before(async () => {
    path = await existingPathValues(entry, context);
    cookie = await NORMAL_COOKIES[entry.route]?.();
  });

  after(async () => {
    for (const release of releases.reverse()) await release();
    await removeCreatedObjects(
      api,
      tokens.admin,
      new Set(['admin', ...Object.values(CONTRACT_USERS)]),
    );
  });

  it('documents an example for its body and each parameter, admitted by its schema', () => {
    assert.deepEqual(exampleProblems(entry), []);
  });

  it('answers its own example, sent unchanged, with a documented status and never a 422', async () => {
    const response = await send(entry, exampleCall(entry, path));
    exampleStatus = response.status;
    assert.notEqual(response.status, 422, `the example was refused: ${response.text}`);
  });

  it('answers a normal call, and one with only the required parameters, with a documented 2xx', async () => {
    const normal = normalCall(entry, path, cookie);
    if (normal) assertSuccess(await send(entry, normal));
    else assert.ok(isSuccess(exampleStatus), `the example call answered ${exampleStatus}`);
    const minimal = minimalCall(entry, path);
    if (minimal) assertSuccess(await send(entry, minimal));
  });

  it('answers error calls with documented statuses and bodies', async () => {
    for (const { call, status } of errorCalls(entry, path)) {
      const response = await send(entry, call);
      const expected = status ? response.status === status : response.status >= 400;
      assert.ok(expected, `${call.label}: ${response.status} ${response.text}`);
    }
    const special = ERROR_CALLS[entry.route];
    if (special) checkResponse(entry, await special(), 'provoked error');
  });

  it('answers calls on targets that refuse or never answer with documented statuses', async () => {
    for (const call of await failingTargetCalls(entry, context, path)) await send(entry, call);
  });

  it('refuses with a 422 at a field exactly the values its schema refuses there', async () => {
    const mismatches: string[] = [];
    for (const probe of fieldProbes(entry, path)) {
      let response: Response;
      try {
        response = await send(entry, probe.call);
      } catch (error) {
        mismatches.push(`${probe.loc.join('.')} = ${describeValue(probe.value)}: ${String(error)}`);
        continue;
      }
      const refusedThere = response.status === 422 && issueAt(response, probe.loc);
      if (refusedThere === probe.admitted) {
        mismatches.push(
          `${probe.loc.join('.')} = ${describeValue(probe.value)}: the document ` +
            `${probe.admitted ? 'admits' : 'refuses'} it, the API answered ` +
            `${response.status} ${response.text.slice(0, 300)}`,
        );
      }
    }
    assert.deepEqual(mismatches, []);
  });

  it('validated a success and an error answer against the document', () => {
    const statuses = validated.get(entry.route) ?? [];
    assert.ok(statuses.some(isSuccess), `no 2xx validated: ${statuses.join(', ')}`);
    assert.ok(
      statuses.some((status) => status >= 400),
      `no error validated: ${statuses.join(', ')}`,
    );
  });
}

// ---------------------------------------------------------------------------------------------
// calls

function defaultRole(entry: DocumentedOperation): TestRole | null {
  if ((entry.operation.security ?? []).length === 0) return null;
  const required = entry.operation['x-required-role'];
  return required === 'operator' || required === 'admin' ? required : 'viewer';
}

function pathParameters(entry: DocumentedOperation) {
  return (entry.operation.parameters ?? []).filter((parameter) => parameter.in === 'path');
}

function queryParameters(entry: DocumentedOperation) {
  return (entry.operation.parameters ?? []).filter((parameter) => parameter.in === 'query');
}

/**
 * For each path parameter, an object that exists (its fixture), else its example; then the
 * query parameters that must name something that exists (their fixtures).
 */
async function existingPathValues(
  entry: DocumentedOperation,
  context: FixtureContext,
): Promise<Record<string, PathValue>> {
  const values: Record<string, PathValue> = context.resolved;
  for (const parameter of pathParameters(entry)) {
    const fixture = PATH_FIXTURES[parameter.name];
    values[parameter.name] = fixture
      ? await fixture.existing(context)
      : { value: String(parameterExampleOf(parameter)) };
  }
  for (const parameter of queryParameters(entry)) {
    const fixture = QUERY_FIXTURES[parameter.name];
    if (fixture) values[parameter.name] = await fixture.existing(context);
  }
  return values;
}

function pathStrings(path: Record<string, PathValue>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(path)
      .filter(([, value]) => value.in !== 'query')
      .map(([name, { value }]) => [name, value]),
  );
}

function exampleBody(entry: DocumentedOperation): unknown {
  const body = requestBodyOf(document, entry.operation);
  return body ? bodyExampleOf(document, body.media) : undefined;
}

/** The query's examples, or the values of its fixtures (objects that exist). */
function exampleQuery(
  entry: DocumentedOperation,
  path: Record<string, PathValue>,
  required = false,
): Record<string, unknown> {
  return Object.fromEntries(
    queryParameters(entry)
      .filter((parameter) => !required || parameter.required === true)
      .map((parameter) => {
        const fixture = path[parameter.name];
        const value = fixture?.in === 'query' ? fixture.value : parameterExampleOf(parameter);
        return [parameter.name, value];
      }),
  );
}

/** What Swagger UI sends: the examples, on objects that exist. */
function exampleCall(entry: DocumentedOperation, path: Record<string, PathValue>): Call {
  return {
    label: 'example',
    path: pathStrings(path),
    query: exampleQuery(entry, path),
    body: exampleBody(entry),
    role: defaultRole(entry),
  };
}

/**
 * The example with what only the test can know (a session's backend_start, credentials, a
 * refresh cookie).
 */
function normalCall(
  entry: DocumentedOperation,
  path: Record<string, PathValue>,
  cookie?: string,
): Call | undefined {
  const overrides = {
    ...Object.assign({}, ...Object.values(path).map((value) => value.body ?? {})),
    ...NORMAL_BODIES[entry.route]?.(),
  } as Record<string, unknown>;
  if (Object.keys(overrides).length === 0 && cookie === undefined) return undefined;
  const example = exampleCall(entry, path);
  const body =
    Object.keys(overrides).length === 0
      ? example.body
      : { ...(example.body as object), ...overrides };
  return { ...example, label: 'normal', body, ...(cookie !== undefined && { cookie }) };
}

/** The example without its optional query parameters (the defaults), when it has some. */
function minimalCall(
  entry: DocumentedOperation,
  path: Record<string, PathValue>,
): Call | undefined {
  const query = exampleQuery(entry, path, true);
  if (Object.keys(query).length === Object.keys(exampleQuery(entry, path)).length) {
    return undefined;
  }
  return { ...(normalCall(entry, path) ?? exampleCall(entry, path)), label: 'minimal', query };
}

/**
 * No token (through the /api alias where there is one): 401; a viewer where a higher role is
 * needed: 403; objects that do not exist: an error.
 */
function errorCalls(
  entry: DocumentedOperation,
  path: Record<string, PathValue>,
): { call: Call; status?: number }[] {
  const base = exampleCall(entry, path);
  const calls: { call: Call; status?: number }[] = [];
  const role = defaultRole(entry);
  if (role !== null) {
    calls.push({
      call: { ...base, label: 'no token', role: null, server: entry.servers.at(-1) },
      status: 401,
    });
  }
  if (role === 'operator' || role === 'admin') {
    calls.push({ call: { ...base, label: 'viewer', role: 'viewer' }, status: 403 });
  }
  for (const parameter of pathParameters(entry)) {
    const missing = PATH_FIXTURES[parameter.name]?.missing;
    if (missing === undefined) continue;
    const label = `no such ${parameter.name}`;
    calls.push({ call: { ...base, label, path: { ...base.path, [parameter.name]: missing } } });
  }
  return calls;
}

/** The example on objects whose target fails: a 2xx that says why, or a documented error. */
async function failingTargetCalls(
  entry: DocumentedOperation,
  context: FixtureContext,
  path: Record<string, PathValue>,
): Promise<Call[]> {
  const base = exampleCall(entry, path);
  const calls: Call[] = [];
  for (const parameter of pathParameters(entry)) {
    for (const value of (await PATH_FIXTURES[parameter.name]?.failing?.(context)) ?? []) {
      calls.push({
        ...base,
        label: `failing ${parameter.name}`,
        path: { ...base.path, [parameter.name]: value },
      });
    }
  }
  return calls;
}

async function send(entry: DocumentedOperation, call: Call): Promise<Response> {
  const server = call.server ?? entry.servers[0] ?? '/';
  const url =
    server.replace(/\/$/, '') +
    entry.path.replace(/\{(\w+)\}/g, (_match, name: string) =>
      encodeURIComponent(call.path[name] ?? ''),
    );
  const verb = entry.method as 'get' | 'post' | 'put' | 'delete' | 'patch';
  let request = api.http[verb](url).timeout(CALL_TIMEOUT);
  if (call.role !== null) request = request.set(bearer(tokens[call.role]));
  if (call.cookie !== undefined) request = request.set('Cookie', call.cookie);
  const query = Object.entries(call.query).filter(([, value]) => value !== undefined);
  if (query.length > 0)
    request = request.query(Object.fromEntries(query.map(([k, v]) => [k, String(v)])));
  const body = requestBodyOf(document, entry.operation);
  let response: Response;
  if (body === undefined || call.body === undefined) response = await request;
  else if (mediaTypeEssence(body.mediaType) === 'application/x-www-form-urlencoded') {
    response = await request.type('form').send(call.body as Record<string, string>);
  } else response = await request.send(call.body as object);
  checkResponse(entry, response, call.label);
  return response;
}

// ---------------------------------------------------------------------------------------------
// responses

function isSuccess(status: number | undefined): boolean {
  return status !== undefined && status >= 200 && status < 300;
}

function assertSuccess(response: Response): void {
  assert.ok(isSuccess(response.status), `${response.status} ${response.text}`);
}

/** The answer is documented for its status, its body validates, its documented headers are there. */
function checkResponse(entry: DocumentedOperation, response: Response, label: string): void {
  const where = `${entry.route} (${label}) ${response.status}`;
  const documented = responseFor(entry.operation, response.status);
  assert.ok(documented, `${where} is not documented: ${response.text.slice(0, 300)}`);
  const contentType = String(response.headers['content-type'] ?? '');
  if (response.text !== '') {
    const media = Object.entries(documented.content ?? {}).find(
      ([type]) => mediaTypeEssence(type) === mediaTypeEssence(contentType),
    )?.[1];
    assert.ok(media?.schema, `${where}: a ${contentType} body without a documented schema`);
    const value: unknown =
      mediaTypeEssence(contentType) === 'application/json' ? response.body : response.text;
    const errors = validator.errors(media.schema, value);
    assert.equal(errors, undefined, `${where}: ${errors} in ${response.text.slice(0, 500)}`);
  }
  for (const [name, header] of Object.entries(documented.headers ?? {})) {
    if (header.required) {
      assert.ok(response.headers[name.toLowerCase()] !== undefined, `${where}: no ${name} header`);
    }
  }
  validated.set(entry.route, [...(validated.get(entry.route) ?? []), response.status]);
}

function issueAt(response: Response, loc: string[]): boolean {
  const detail = (response.body as { detail?: unknown }).detail;
  return (
    Array.isArray(detail) &&
    detail.some((issue: { loc?: unknown[] }) =>
      loc.every((part, index) => issue.loc?.[index] === part),
    )
  );
}

// ---------------------------------------------------------------------------------------------
// examples and probes

function exampleProblems(entry: DocumentedOperation): string[] {
  const problems: string[] = [];
  const check = (where: string, schema: Schema | undefined, example: unknown): void => {
    if (!schema) problems.push(`${where} has no schema`);
    else if (!declaresType(schema)) problems.push(`${where} declares no type`);
    else if (example === undefined) problems.push(`${where} has no example`);
    else {
      const errors = validator.errors(schema, example);
      if (errors) problems.push(`${where} example ${JSON.stringify(example)}: ${errors}`);
    }
  };
  for (const parameter of entry.operation.parameters ?? []) {
    check(`${parameter.in} ${parameter.name}`, parameter.schema, parameterExampleOf(parameter));
  }
  const body = requestBodyOf(document, entry.operation);
  if (body) {
    for (const [name, property] of Object.entries(body.schema.properties ?? {})) {
      check(`body.${name}`, property, property.example ?? dereference(document, property).example);
    }
    try {
      check('body', body.media.schema, bodyExampleOf(document, body.media));
    } catch (error) {
      problems.push(String(error));
    }
  }
  return problems;
}

interface FieldProbe {
  loc: string[];
  value: unknown;
  admitted: boolean;
  call: Call;
}

/**
 * Each field's probes, each as the example call with that one field changed. A body value the
 * document admits goes with a value of another field it refuses: the call then stops at the
 * validation, which names every field it refuses at once, instead of hashing a password or
 * connecting to a server for each probe.
 */
function fieldProbes(entry: DocumentedOperation, path: Record<string, PathValue>): FieldProbe[] {
  const base = exampleCall(entry, path);
  const probes = bodyProbes(entry, base);
  for (const parameter of entry.operation.parameters ?? []) {
    if (!parameter.schema) continue;
    const isPath = parameter.in === 'path';
    for (const probe of probesOf(validator, parameter.schema, {
      carrier: 'text',
      required: parameter.required === true,
    })) {
      if (isPath && (probe.value === OMITTED || probe.value === '')) continue;
      const call = isPath
        ? { ...base, path: { ...base.path, [parameter.name]: String(probe.value) } }
        : {
            ...base,
            query: {
              ...base.query,
              [parameter.name]: probe.value === OMITTED ? undefined : probe.value,
            },
          };
      probes.push({
        ...probe,
        loc: [parameter.in, parameter.name],
        call: { ...call, label: 'probe' },
      });
    }
  }
  return probes;
}

function bodyProbes(entry: DocumentedOperation, base: Call): FieldProbe[] {
  const body = requestBodyOf(document, entry.operation);
  if (!body || typeof base.body !== 'object' || base.body === null) return [];
  const example = base.body as Record<string, unknown>;
  const carrier: Carrier =
    mediaTypeEssence(body.mediaType) === 'application/json' ? 'json' : 'text';
  const required = new Set(body.schema.required ?? []);
  const fields = Object.entries(body.schema.properties ?? {}).map(([name, property]) => ({
    name,
    probes: probesOf(validator, property, { carrier, required: required.has(name) }),
  }));
  const withValue = (fields: Record<string, unknown>, name: string, value: unknown) => {
    const changed = { ...fields };
    if (value === OMITTED) delete changed[name];
    else changed[name] = value;
    return changed;
  };
  return fields.flatMap(({ name, probes }) => {
    const sentinel = fields
      .filter((other) => other.name !== name)
      .flatMap((other) =>
        other.probes
          .filter((probe) => !probe.admitted)
          .map((probe) => ({ name: other.name, value: probe.value })),
      )[0];
    return probes.map((probe) => {
      let changed = withValue(example, name, probe.value);
      if (probe.admitted && sentinel) changed = withValue(changed, sentinel.name, sentinel.value);
      return { ...probe, loc: ['body', name], call: { ...base, label: 'probe', body: changed } };
    });
  });
}

function describeValue(value: unknown): string {
  if (value === OMITTED) return '(omitted)';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 20)}... (${text.length} characters)` : text;
}

// ---------------------------------------------------------------------------------------------
// provoked errors and sessions

/** The refresh_token cookie a login sets, as a Cookie header. */
async function refreshCookie(): Promise<string> {
  const login = await api.http
    .post('/token')
    .type('form')
    .send({ username: 'admin', password: TEST_ADMIN_PASSWORD })
    .timeout(CALL_TIMEOUT);
  assert.equal(login.status, 200, login.text);
  const cookies = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
  const refresh = cookies.find((cookie) => cookie.startsWith('refresh_token='));
  assert.ok(refresh, `POST /token set no refresh_token cookie: ${cookies.join('; ')}`);
  return refresh.split(';')[0] ?? '';
}

/** GET /api/health while the store refuses the app: 503. Then the store is back. */
async function healthWithStoreDown(): Promise<Response> {
  await store.refuseLogins();
  try {
    return await healthAnswering(503);
  } finally {
    await store.allowLogins();
    await healthAnswering(200);
  }
}

async function healthAnswering(status: number): Promise<Response> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const response = await api.http.get('/api/health').timeout(CALL_TIMEOUT);
    if (response.status === status || Date.now() > deadline) return response;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
