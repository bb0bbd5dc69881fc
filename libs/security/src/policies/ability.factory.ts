import {
  AbilityBuilder,
  createMongoAbility,
  MongoAbility,
  subject as asSubject,
} from '@casl/ability';
import { Injectable } from '@nestjs/common';
import type { Principal } from '@techsapo/core';
import { Action, SubjectName } from './action';

export type AppAbility = MongoAbility<
  [Action, SubjectName | 'all' | ({ __caslSubjectType__?: string } & object)]
>;

/**
 * The roles of API.md. Ownership is a condition, so the guard's type-level check passes and
 * the service's record-level check (`can(action, record(...))`) decides.
 */
@Injectable()
export class AbilityFactory {
  for(principal: Principal): AppAbility {
    const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
    const own = { ownerId: principal.id };
    for (const role of principal.roles) {
      switch (role) {
        case 'admin':
          can(Action.Manage, 'all');
          break;
        case 'analyst':
          can(Action.Create, 'Analysis');
          can([Action.Read, Action.Delete], 'Analysis', own);
          can(Action.Read, ['McpServer', 'McpTool']);
          can(Action.Call, 'McpTool');
          break;
        case 'ci':
          can(Action.Create, 'Analysis');
          can(Action.Read, 'Analysis', own);
          break;
        case 'viewer':
          can(Action.Read, 'Analysis', own);
          can(Action.Read, ['McpServer', 'McpTool']);
          break;
      }
    }
    return build();
  }
}

/** Tags a plain record with its subject type for record-level checks. */
export function record<T extends object>(type: SubjectName, value: T): T {
  return asSubject(type, value);
}
