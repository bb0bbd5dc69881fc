import type { Principal, Role } from '@techsapo/core';
import { AbilityFactory, record } from './ability.factory';
import { Action } from './action';
import type { SubjectName } from './action';

const principal = (role: Role): Principal => ({
  id: 'u-1',
  username: 'u-1',
  roles: [role],
  method: 'jwt',
});
const own = record('Analysis', { ownerId: 'u-1' });
const others = record('Analysis', { ownerId: 'u-2' });

/** [role, action, subject or record, allowed]: the roles of API.md, row by row. */
const RULES: [Role, Action, SubjectName | 'all' | object, boolean][] = [
  ['admin', Action.Manage, 'all', true],
  ['admin', Action.Delete, others, true],
  ['analyst', Action.Create, 'Analysis', true],
  ['analyst', Action.Read, own, true],
  ['analyst', Action.Delete, others, false],
  ['analyst', Action.Call, 'McpTool', true],
  ['analyst', Action.Approve, 'McpTool', false],
  ['analyst', Action.Read, 'User', false],
  ['ci', Action.Create, 'Analysis', true],
  ['ci', Action.Read, own, true],
  ['ci', Action.Delete, own, false],
  ['ci', Action.Read, 'McpTool', false],
  ['viewer', Action.Create, 'Analysis', false],
  ['viewer', Action.Read, own, true],
  ['viewer', Action.Read, others, false],
  ['viewer', Action.Read, 'McpServer', true],
  ['viewer', Action.Call, 'McpTool', false],
];

describe('AbilityFactory (the roles of API.md)', () => {
  it.each(RULES)('%s may %s %o: %s', (role, action, subject, allowed) => {
    expect(new AbilityFactory().for(principal(role)).can(action, subject as SubjectName)).toBe(
      allowed,
    );
  });
});
