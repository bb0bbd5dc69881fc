import { auditPath, auditTypeOf } from './audit-drafts';

describe('audit drafts', () => {
  it('derives the entry type from the route unless a stage declared one', () => {
    expect(auditTypeOf('/api/v1/auth/login')).toBe('auth');
    expect(auditTypeOf('/api/v1/admin/users/:id')).toBe('admin');
    expect(auditTypeOf('/api/v1/analyses')).toBe('analysis');
    expect(auditTypeOf('/api/v1/analyses/:id/events')).toBe('analysis');
    expect(auditTypeOf('/api/v1/analysesX')).toBe('http');
    expect(auditTypeOf('/mcp')).toBe('mcp');
    expect(auditTypeOf('/api/v1/mcp/servers')).toBe('mcp');
    expect(auditTypeOf('/nope')).toBe('http');
    expect(auditTypeOf('/nope', 'security')).toBe('security');
    expect(auditTypeOf('/nope', 'made-up')).toBe('http');
  });

  it('keeps the path without its query string and without secret shapes', () => {
    expect(auditPath('/api/v1/x?token=abc&password=hunter2')).toBe('/api/v1/x');
    expect(auditPath(`/keys/tsk_${'a'.repeat(30)}`)).toBe('/keys/***REDACTED***');
    expect(auditPath(`/${'a'.repeat(2000)}`)).toHaveLength(512);
  });
});
