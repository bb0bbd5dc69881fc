import { applyDecorators, SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'techsapo:public';

/** Opts a route out of authentication and authorisation; everything else is authenticated. */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(IS_PUBLIC, true));
