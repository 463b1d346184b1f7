import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import type { OpenApiDocument, Schema } from './openapi-document.js';

/** The $id under which the document's components are known to Ajv. */
const COMPONENTS_ID = 'pgmon-openapi';

/**
 * Validates values against the schemas of an OpenAPI 3.1 document (JSON Schema 2020-12) with
 * Ajv and ajv-formats, strict: a keyword Ajv does not know fails loudly. One reading is added:
 * an object schema that lists its properties is closed (`additionalProperties: false` unless it
 * says otherwise), so a field the API returns must be documented, not merely allowed.
 */
export class SchemaValidator {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(document: OpenApiDocument) {
    formats.default(this.ajv);
    // Annotations of the OpenAPI 3.1 vocabulary; they constrain nothing.
    this.ajv.addVocabulary(['example', 'xml', 'externalDocs']);
    const definitions = Object.fromEntries(
      Object.entries(document.components.schemas).map(([name, schema]) => [
        name,
        toJsonSchema(schema),
      ]),
    );
    this.ajv.addSchema({ $id: COMPONENTS_ID, $defs: definitions });
  }

  /** Ajv's description of why `value` does not match `schema`, or undefined when it does. */
  errors(schema: Schema, value: unknown): string | undefined {
    let validate: ValidateFunction;
    try {
      validate = this.compile(schema);
    } catch (error) {
      return `the schema is not valid JSON Schema (${String(error)})`;
    }
    if (validate(value)) return undefined;
    return this.ajv.errorsText(validate.errors, { dataVar: 'value' });
  }

  private compile(schema: Schema): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema));
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

/** A schema of the document, its references pointing into COMPONENTS_ID, its objects closed. */
function toJsonSchema(schema: Schema): Record<string, unknown> {
  const { $ref, properties, items, allOf, anyOf, oneOf, additionalProperties, ...rest } = schema;
  const converted: Record<string, unknown> = { ...rest };
  if ($ref !== undefined) {
    converted.$ref = $ref.replace('#/components/schemas/', `${COMPONENTS_ID}#/$defs/`);
  }
  if (properties !== undefined) {
    converted.properties = Object.fromEntries(
      Object.entries(properties).map(([name, property]) => [name, toJsonSchema(property)]),
    );
    converted.additionalProperties = false;
  }
  if (typeof additionalProperties === 'object') {
    converted.additionalProperties = toJsonSchema(additionalProperties);
  } else if (additionalProperties !== undefined) {
    converted.additionalProperties = additionalProperties;
  }
  if (items !== undefined) converted.items = toJsonSchema(items);
  if (allOf !== undefined) converted.allOf = allOf.map(toJsonSchema);
  if (anyOf !== undefined) converted.anyOf = anyOf.map(toJsonSchema);
  if (oneOf !== undefined) converted.oneOf = oneOf.map(toJsonSchema);
  return converted;
}
