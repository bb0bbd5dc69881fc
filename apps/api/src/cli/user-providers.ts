import type { Provider } from '@nestjs/common';
import {
  identityMetricProviders,
  PasswordHasher,
  SessionsService,
  SessionsStore,
  UsersService,
  UsersStore,
} from '@techsapo/security';

/** Users and their sessions, for the operator commands that read or change them. */
export const userProviders: Provider[] = [
  ...identityMetricProviders,
  PasswordHasher,
  UsersStore,
  UsersService,
  SessionsStore,
  SessionsService,
];
