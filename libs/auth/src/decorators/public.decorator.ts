import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'pgmon:isPublic';

/** Opt a route out of the global token guard (login, health, docs only). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
