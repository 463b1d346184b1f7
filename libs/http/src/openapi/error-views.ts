import { ApiProperty } from '@nestjs/swagger';
import type { ErrorBody, ValidationIssue } from '../error-body.js';

/** `{"detail": "..."}`: every error but a validation error and a 500 (see SeedExceptionFilter). */
export class ErrorView implements ErrorBody {
  @ApiProperty({ example: 'Server production-db not found' }) detail!: string;
}

/** One entry of a 422's `detail`: where (`["body", "port"]`), what and which kind of error. */
export class ValidationIssueView implements ValidationIssue {
  @ApiProperty({
    type: 'array',
    items: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
    example: ['body', 'port'],
    description: 'Where: body, query or path, then the field',
  })
  loc!: (string | number)[];
  @ApiProperty({ example: 'port must be between 1 and 65535' }) msg!: string;
  @ApiProperty({
    example: 'value_error',
    description: 'missing, string_type, int_type, bool_type, enum, value_error, json_invalid...',
  })
  type!: string;
}

/** 422, as FastAPI answers it: `{"detail": [{"loc", "msg", "type"}]}`. */
export class ValidationErrorView implements ErrorBody {
  @ApiProperty({ type: [ValidationIssueView] }) detail!: ValidationIssueView[];
}

/** 500: the error id names the logged error; nothing else about it leaves the server. */
export class InternalErrorView implements ErrorBody {
  @ApiProperty({ example: 'Internal Server Error', enum: ['Internal Server Error'] })
  detail!: string;
  @ApiProperty({ format: 'uuid', example: '0b1e7f5a-3c55-4c1e-9a43-5d1bb2e2f6a1' })
  error_id!: string;
}
