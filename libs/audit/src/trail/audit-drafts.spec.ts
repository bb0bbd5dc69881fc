import { Get } from '@nestjs/common';
import { auditPath } from './audit-drafts';
import { AuditType, declaredAuditTypeOf } from './audit-type.decorator';

describe('audit drafts', () => {
  it("takes the entry type from the route: its own declaration, else its controller's", () => {
    @AuditType('admin')
    class Routes {
      @Get('a') listed(): void {}
      @Get('b') @AuditType('auth') own(): void {}
      notARoute(): void {}
    }
    expect(declaredAuditTypeOf(Routes.prototype.listed)).toBe('admin');
    expect(declaredAuditTypeOf(Routes.prototype.own)).toBe('auth');
    expect(declaredAuditTypeOf(Routes.prototype.notARoute)).toBeUndefined();
  });

  it('keeps the path without its query string and without secret shapes', () => {
    expect(auditPath('/api/v1/x?token=abc&password=hunter2')).toBe('/api/v1/x');
    expect(auditPath(`/keys/tsk_${'a'.repeat(30)}`)).toBe('/keys/***REDACTED***');
    expect(auditPath(`/${'a'.repeat(2000)}`)).toHaveLength(512);
  });
});
