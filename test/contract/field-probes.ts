/**
 * Probes of one field (a body property or a parameter): values built from the field's own
 * schema (its type, bounds, lengths, enum, nullability, whether it is required), each classified
 * by the schema itself through Ajv. The API must refuse with a 422 at that field exactly the
 * values the document refuses, and accept the others there.
 */
import { admitsType, alternativesOf, type Schema } from './openapi-document.js';
import type { SchemaValidator } from './schema-validator.js';

/** The field left out of the body or the query string. */
export const OMITTED: unique symbol = Symbol('omitted');

export interface Probe {
  value: unknown;
  /** Whether the document admits the value (Ajv's verdict on the field's schema). */
  admitted: boolean;
}

/**
 * How the field travels: a JSON body carries any JSON value; query strings, paths and forms
 * carry text, which the schema reads as its type (the form and query style of OpenAPI).
 */
export type Carrier = 'json' | 'text';

export function probesOf(
  validator: SchemaValidator,
  schema: Schema,
  { carrier, required }: { carrier: Carrier; required: boolean },
): Probe[] {
  const probes: Probe[] = [];
  const seen = new Set<string>();
  for (const value of candidates(schema, carrier)) {
    const key = value === OMITTED ? 'omitted' : JSON.stringify(value);
    if (seen.has(key)) continue;
    seen.add(key);
    const admitted =
      value === OMITTED
        ? !required
        : validator.errors(schema, carrier === 'text' ? asTyped(schema, value) : value) ===
          undefined;
    probes.push({ value, admitted });
  }
  return probes;
}

function candidates(schema: Schema, carrier: Carrier): unknown[] {
  const values: unknown[] = [OMITTED, 'text'];
  for (const part of [schema, ...alternativesOf(schema)]) {
    if (part.enum) values.push(...part.enum, 'not-a-listed-value');
    values.push(...numberCandidates(part, carrier), ...lengthCandidates(part));
    if (part.pattern !== undefined || part.minLength !== undefined || part.format !== undefined) {
      values.push('', ' ', '\u0001');
    }
  }
  if (carrier === 'json') values.push(null, 12345, true, 1.5, {}, []);
  return values;
}

function numberCandidates(schema: Schema, carrier: Carrier): unknown[] {
  if (!admitsType(schema, 'integer') && !admitsType(schema, 'number')) return [];
  const all = [
    ...(schema.minimum === undefined ? [] : [schema.minimum - 1, schema.minimum]),
    ...(schema.maximum === undefined ? [] : [schema.maximum, schema.maximum + 1]),
    1.5,
  ];
  return carrier === 'text' ? all.map(String) : all;
}

/** Strings just inside and just outside the lengths the schema allows. */
function lengthCandidates(schema: Schema): string[] {
  const lengths = [
    ...(schema.minLength === undefined ? [] : [schema.minLength - 1, schema.minLength]),
    ...(schema.maxLength === undefined ? [] : [schema.maxLength, schema.maxLength + 1]),
  ];
  return lengths.filter((length) => length >= 0).map((length) => 'a'.repeat(length));
}

/** A text value as the schema's type reads it ("12" as 12 for an integer). */
function asTyped(schema: Schema, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const numeric = admitsType(schema, 'integer') || admitsType(schema, 'number');
  if (numeric && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (admitsType(schema, 'boolean') && (value === 'true' || value === 'false')) {
    return value === 'true';
  }
  return value;
}
