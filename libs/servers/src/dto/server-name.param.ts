import { ApiParam } from '@nestjs/swagger';

/** OpenAPI: the `server_name` path parameter of every route about one server. */
export const ApiServerName = (): MethodDecorator =>
  ApiParam({
    name: 'server_name',
    description: 'The server’s name, spelled as stored (lookups are exact-case)',
    example: 'production-db',
  });
