import type { OpenAPIObject } from '@nestjs/swagger';
import { ed25519KeyPairSync } from '../key-material.js';
import { ImportSshKeyDto } from './ssh-key.dto.js';

/**
 * Fills in the example of ImportSshKeyDto's private_key: a fresh ed25519 key made for this
 * example alone (no host trusts it, and no private key sits in the code), so that the import
 * Swagger UI fills in is accepted as it is. It is made when the document is built, not when the
 * DTO loads, so that ssh2 (which makes it) loads only when someone asks for the document.
 */
export function withSshKeyExamples(document: OpenAPIObject): OpenAPIObject {
  const schema = document.components?.schemas?.[ImportSshKeyDto.name];
  const property = schema && 'properties' in schema ? schema.properties?.private_key : undefined;
  if (!property || '$ref' in property) {
    throw new Error(`${ImportSshKeyDto.name}.private_key is missing from the OpenAPI document`);
  }
  property.example = ed25519KeyPairSync({ comment: 'example-key' }).private;
  return document;
}
