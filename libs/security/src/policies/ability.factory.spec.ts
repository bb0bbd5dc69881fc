import type { Principal, Role } from '@techsapo/core';
import { AbilityFactory, record } from './ability.factory';
import { Action } from './action';

const principal = (role: Role, id = 'u-1'): Principal => ({
  id,
  username: id,
  roles: [role],
  method: 'jwt',
});
const can = (role: Role) => new AbilityFactory().for(principal(role));

describe('AbilityFactory (the roles of API.md)', () => {
  it('lets an admin do anything', () => {
    expect(can('admin').can(Action.Manage, 'all')).toBe(true);
    expect(can('admin').can(Action.Delete, record('Analysis', { ownerId: 'someone' }))).toBe(true);
  });

  it('lets an analyst create analyses, read and delete only their own, and call MCP tools', () => {
    const analyst = can('analyst');
    expect(analyst.can(Action.Create, 'Analysis')).toBe(true);
    expect(analyst.can(Action.Read, record('Analysis', { ownerId: 'u-1' }))).toBe(true);
    expect(analyst.can(Action.Delete, record('Analysis', { ownerId: 'u-2' }))).toBe(false);
    expect(analyst.can(Action.Call, 'McpTool')).toBe(true);
    expect(analyst.can(Action.Approve, 'McpTool')).toBe(false);
    expect(analyst.can(Action.Read, 'User')).toBe(false);
  });

  it('lets a ci key create and read its own analyses, never delete them or reach MCP', () => {
    const ci = can('ci');
    expect(ci.can(Action.Create, 'Analysis')).toBe(true);
    expect(ci.can(Action.Read, record('Analysis', { ownerId: 'u-1' }))).toBe(true);
    expect(ci.can(Action.Delete, record('Analysis', { ownerId: 'u-1' }))).toBe(false);
    expect(ci.can(Action.Read, 'McpTool')).toBe(false);
  });

  it('lets a viewer only read: its own analyses and the MCP catalogue', () => {
    const viewer = can('viewer');
    expect(viewer.can(Action.Create, 'Analysis')).toBe(false);
    expect(viewer.can(Action.Read, record('Analysis', { ownerId: 'u-1' }))).toBe(true);
    expect(viewer.can(Action.Read, record('Analysis', { ownerId: 'u-2' }))).toBe(false);
    expect(viewer.can(Action.Read, 'McpServer')).toBe(true);
    expect(viewer.can(Action.Call, 'McpTool')).toBe(false);
  });
});
