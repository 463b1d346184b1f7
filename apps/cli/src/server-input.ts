import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { CreateServerDto } from '#servers';

/** Validates a server entry exactly as POST /servers would; returns the DTO or the problems. */
export async function toServerDto(
  entry: Record<string, unknown>,
): Promise<CreateServerDto | string[]> {
  const dto = plainToInstance(CreateServerDto, entry);
  const errors = await validate(dto, { whitelist: true });
  return errors.length === 0 ? dto : errors.flatMap(describeError);
}

function describeError(error: ValidationError): string[] {
  const own = Object.values(error.constraints ?? {});
  return [...own, ...(error.children ?? []).flatMap(describeError)];
}
