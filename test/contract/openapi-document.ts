/**
 * The parts of an OpenAPI 3.0 document the contract tests read, and how they read them: the
 * operations, the parameters and bodies with their examples, and the documented responses.
 */

export interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  additionalProperties?: boolean | Schema;
  readOnly?: boolean;
  writeOnly?: boolean;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
  example?: unknown;
}

export interface MediaType {
  schema?: Schema;
  example?: unknown;
  examples?: Record<string, { value?: unknown }>;
}

export interface ResponseDoc {
  description: string;
  content?: Record<string, MediaType>;
  headers?: Record<string, { required?: boolean; schema?: Schema }>;
}

export interface Operation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, MediaType> };
  responses: Record<string, ResponseDoc>;
  security?: Record<string, string[]>[];
  servers?: { url: string }[];
  'x-required-role'?: string;
}

type PathItem = Record<string, unknown> & { servers?: { url: string }[] };

export interface OpenApiDocument {
  openapi: string;
  servers?: { url: string }[];
  paths: Record<string, PathItem>;
  components: { schemas: Record<string, Schema>; securitySchemes?: Record<string, unknown> };
}

/** One operation of the document, with the server URLs it is served under. */
export interface DocumentedOperation {
  /** `POST /servers` */
  route: string;
  method: string;
  path: string;
  operation: Operation;
  servers: string[];
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

export function operationsOf(document: OpenApiDocument): DocumentedOperation[] {
  const rootServers = (document.servers ?? [{ url: '/' }]).map((server) => server.url);
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, value]) => {
        const operation = value as Operation;
        const servers = (operation.servers ?? item.servers)?.map((server) => server.url);
        return {
          route: `${method.toUpperCase()} ${path}`,
          method,
          path,
          operation,
          servers: servers ?? rootServers,
        };
      }),
  );
}

/** The schema a `$ref` points to (one level), or the schema itself. */
export function dereference(document: OpenApiDocument, schema: Schema): Schema {
  if (schema.$ref === undefined) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const target = document.components.schemas[name];
  if (!target) throw new Error(`${schema.$ref} is not in components.schemas`);
  return dereference(document, target);
}

/** The request body's media type and schema (the first one documented), if any. */
export function requestBodyOf(
  document: OpenApiDocument,
  operation: Operation,
): { mediaType: string; media: MediaType; schema: Schema } | undefined {
  const entry = Object.entries(operation.requestBody?.content ?? {})[0];
  if (!entry) return undefined;
  const [mediaType, media] = entry;
  return { mediaType, media, schema: dereference(document, media.schema ?? {}) };
}

/**
 * What Swagger UI's "Try it out" fills in: the media type's example (the first of `examples`),
 * else one built from the schema. Unlike Swagger UI, no property may go without an example of
 * its own (Swagger UI would invent "string" or 0): every one must be realistic.
 */
export function bodyExampleOf(document: OpenApiDocument, media: MediaType): unknown {
  const named = Object.values(media.examples ?? {})[0];
  if (named !== undefined) return named.value;
  if (media.example !== undefined) return media.example;
  return exampleOf(document, media.schema ?? {}, 'body');
}

function exampleOf(document: OpenApiDocument, schema: Schema, where: string): unknown {
  if (schema.example !== undefined) return schema.example;
  const target = dereference(document, schema.allOf?.[0] ?? schema);
  if (target.example !== undefined) return target.example;
  if (target.properties) {
    return Object.fromEntries(
      Object.entries(target.properties)
        .filter(([, property]) => property.readOnly !== true)
        .map(([name, property]) => [name, exampleOf(document, property, `${where}.${name}`)]),
    );
  }
  if (target.type === 'array' && target.items) {
    return [exampleOf(document, target.items, `${where}[]`)];
  }
  throw new Error(`${where} has no example`);
}

/** A parameter's example (the parameter's own, else its schema's). */
export function parameterExampleOf(parameter: Parameter): unknown {
  return parameter.example ?? parameter.schema?.example;
}

/** The documented response for `status`, or the operation's default. */
export function responseFor(operation: Operation, status: number): ResponseDoc | undefined {
  return operation.responses[String(status)] ?? operation.responses.default;
}

/** Whether the schema (or each of its alternatives) admits values of `type`. */
export function admitsType(schema: Schema, type: string): boolean {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.includes(type) || alternativesOf(schema).some((member) => admitsType(member, type));
}

/** The schema's own alternatives (anyOf, oneOf). */
export function alternativesOf(schema: Schema): Schema[] {
  return [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
}

/**
 * Whether the schema says what type its values are: `type`, a `$ref`, or alternatives that each
 * say it. (nestjs/swagger drops `type` beside `anyOf` on a property; a schema of no type admits
 * anything, an object for a string among others.)
 */
export function declaresType(schema: Schema): boolean {
  if (schema.type !== undefined || schema.$ref !== undefined) return true;
  const alternatives = [...alternativesOf(schema), ...(schema.allOf ?? [])];
  return alternatives.length > 0 && alternatives.every(declaresType);
}

/** `text/plain` of `text/plain; version=0.0.4` */
export function mediaTypeEssence(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}
