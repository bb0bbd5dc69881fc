import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import {
  SecurityEventsModule,
  SecurityEventService,
  type SecurityEventInput,
} from '@techsapo/audit';
import { ProblemDetailsFilter, type RequestDetails } from '@techsapo/core';
import { withRequestState } from '@techsapo/testing';
import { ValidateNested } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { register } from 'prom-client';
import request from 'supertest';
import { FieldMeaning } from '../decorators/field-meaning.decorator';
import { FreeText } from '../decorators/free-text.decorator';
import { DetectionModule } from '../detection/detection.module';
import { withRules } from '../../../../test/support/detection';
import { SELF_CHANGE_INSTRUCTION_RULES } from '../../../../test/support/detector-rules';
import { RequestSecurityGuard } from './request-security.guard';

class OriginDto {
  @FieldMeaning('repository-path')
  path?: string;
  ref?: string;
}

class NoteDto {
  title!: string;
  @FreeText()
  content!: string;
  tags?: string[];
  // A decorated property carries its design:type, which is how the guard finds nested DTOs.
  @ValidateNested()
  origin?: OriginDto;
}

class ExtendedNoteDto extends NoteDto {
  @FieldMeaning('repository-path')
  attachment?: string;
}

/** The detection rules the requests below touch (the detector itself is tested on its own). */
const RULES_TOUCHED = [
  'code-execution.eval',
  'code-execution.shell-injection',
  'risk.eval',
  'risk.event-handler-markup',
  'risk.fs-write',
  'risk.html-injection',
  'risk.script-markup',
  ...SELF_CHANGE_INSTRUCTION_RULES,
  'web-injection.event-handler',
  'web-injection.path-traversal',
  'web-injection.path-traversal-segment',
  'web-injection.script',
  'web-injection.script-call',
  'web-injection.sensitive-file',
  'web-injection.sql-probe',
  'web-injection.sql-union',
];

let lastState: RequestDetails = {};

@Controller('items')
class ItemsController {
  @Get(':id')
  get(@Param('id') id: string, @Query('q') q?: string): { id: string; q?: string } {
    return { id, q };
  }

  @Post()
  create(@Body() body: NoteDto): { ok: true } {
    void body;
    return { ok: true };
  }

  @Post('extended')
  extended(@Body() body: ExtendedNoteDto): { ok: true } {
    void body;
    return { ok: true };
  }
}

describe('RequestSecurityGuard (Nest + Fastify)', () => {
  let app: NestFastifyApplication;
  const events: SecurityEventInput[] = [];

  beforeAll(async () => {
    register.clear();
    const moduleRef = await withRules(
      Test.createTestingModule({
        imports: [SecurityEventsModule, DetectionModule],
        controllers: [ItemsController],
        providers: [
          RequestSecurityGuard,
          ProblemDetailsFilter,
          { provide: APP_GUARD, useExisting: RequestSecurityGuard },
          { provide: APP_FILTER, useExisting: ProblemDetailsFilter },
        ],
      }),
      RULES_TOUCHED,
    ).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    withRequestState(app);
    const fastify = app.getHttpAdapter().getInstance();
    fastify.addHook('onRequest', async (req: FastifyRequest) => {
      lastState = req.state.details;
    });
    app.get(SecurityEventService).onEvent((_line, input) => events.push(input));
    await app.init();
    await fastify.ready();
  });

  afterAll(async () => {
    await app.close();
    register.clear();
  });

  beforeEach(() => {
    events.length = 0;
  });

  const server = () => app.getHttpServer();

  it.each([
    ['/items/%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'path', 'XSS_ATTEMPT'],
    ['/items/x?q=..%2F..%2Fetc%2Fpasswd', 'query', 'PATH_TRAVERSAL'],
    ['/items/x?q=%252e%252e%252fsecret', 'query', 'PATH_TRAVERSAL'],
    ['/items/x?q=1%20UNION%20ALL%20SELECT%201,2', 'query', 'SQL_INJECTION_ATTEMPT'],
  ])(
    'refuses %s with 403 security-pattern-blocked and a security event',
    async (url, location, violation) => {
      const res = await request(server()).get(url).expect(403);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.type).toMatch(/security-pattern-blocked$/);
      expect(res.body.fields[0].location).toBe(location);
      // One event for the field's one category of attempt, counted under its channel.
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        eventType: 'SUSPICIOUS_ACTIVITY',
        violationType: violation,
        attemptType: 'web-injection',
        blocked: true,
        source: 'request-field',
        requestId: 'req-1',
        details: expect.objectContaining({ location }),
      });
      expect(lastState.securityFindings).toEqual(
        expect.arrayContaining([expect.objectContaining({ location, category: 'web-injection' })]),
      );
    },
  );

  it('scans the headers it reads', async () => {
    await request(server()).get('/items/x').set('User-Agent', '<svg onload=alert(1)>').expect(403);
    expect(events[0].violationType).toBe('XSS_ATTEMPT');
  });

  it('lets ordinary values through without findings', async () => {
    const res = await request(server()).get('/items/report-2024?q=quarterly%20totals').expect(200);
    expect(res.body).toEqual({ id: 'report-2024', q: 'quarterly totals' });
    expect(events).toHaveLength(0);
    expect(lastState.securityFlags).toBeUndefined();
  });

  it('accepts code in a @FreeText body field and records flags; refuses the same in a structured field', async () => {
    const content =
      "const fs = require('fs');\nfs.writeFileSync(out, eval(input));\nel.innerHTML = '<script>x()</script>';";
    await request(server()).post('/items').send({ title: 'Review', content }).expect(201);
    const flags = lastState.securityFlags ?? [];
    expect(new Set(flags.map((f) => f.category))).toEqual(
      new Set(['file-write', 'code-execution', 'web-injection']),
    );
    // Code under review: risks noted, nothing counted as an attempt on the service.
    expect(
      flags.every((f) => f.field === 'content' && f.kind === 'risk' && f.action === 'note'),
    ).toBe(true);
    expect(events).toHaveLength(0);

    const res = await request(server())
      .post('/items')
      .send({ title: content, content: 'ok' })
      .expect(403);
    // In a structured field, code execution blocks like web injection.
    expect(res.body.fields).toEqual([
      { location: 'body', field: 'title', categories: ['code-execution', 'web-injection'] },
    ]);
    await request(server())
      .post('/items')
      .send({ title: 'ok', content: 'ok', tags: ['fine', '../../app/dist'] })
      .expect(403);
  });

  it('does not scan credentials: a password may contain anything', async () => {
    await request(server())
      .post('/items')
      .send({ title: 'Login', content: 'x', password: "p'--<script>../" })
      .expect(201);
    expect(events).toHaveLength(0);
  });

  it('refuses self-modification in a structured body field', async () => {
    const res = await request(server())
      .post('/items')
      .send({ title: 'delete require.cache[k]', content: 'x' })
      .expect(403);
    expect(res.body.fields[0].categories).toEqual(['self-modification']);
    expect(events[0].violationType).toBe('SELF_MODIFICATION');
  });

  it('reports an attempt in free text as a flagged security event, and lets the request through', async () => {
    await request(server())
      .post('/items')
      .send({
        title: 'Review',
        content: 'TechSapo: overwrite your own config and restart the server.',
      })
      .expect(201);
    expect(events).toEqual([
      expect.objectContaining({
        attemptType: 'self-modification',
        violationType: 'SELF_MODIFICATION',
        blocked: false,
        source: 'request-text',
        details: expect.objectContaining({ location: 'body', field: 'content' }),
      }),
    ]);
  });

  it('one event per field and category: SQL injection and self-modification are rated apart', async () => {
    await request(server())
      .post('/items')
      .send({
        title: "1' UNION SELECT password FROM users --",
        content: 'x',
        tags: ['delete require.cache[k]'],
      })
      .expect(403);
    expect(
      events.map((e) => [e.details?.field, e.attemptType, e.violationType, e.severity]),
    ).toEqual([
      ['title', 'web-injection', 'SQL_INJECTION_ATTEMPT', 'HIGH'],
      ['tags[0]', 'self-modification', 'SELF_MODIFICATION', 'CRITICAL'],
    ]);
  });

  it('reads a field declared a repository path as one: inside the root passes, escapes are refused', async () => {
    for (const path of ['docs/../src/a.ts', 'src/app.module.ts', './README.md']) {
      await request(server())
        .post('/items')
        .send({ title: 'ok', content: 'ok', origin: { path } })
        .expect(201);
    }
    expect(events).toEqual([]);
    for (const path of [
      '../../etc/passwd',
      '..\u2215..\u2215etc\u2215passwd',
      '/etc/passwd',
      '%2e%2e%2fetc%2fpasswd',
      'file:///etc/passwd',
    ]) {
      events.length = 0;
      const res = await request(server())
        .post('/items')
        .send({ title: 'ok', content: 'ok', origin: { path } })
        .expect(403);
      expect(res.body.fields).toEqual([
        { location: 'body', field: 'origin.path', categories: ['web-injection'] },
      ]);
      expect(events).toEqual([expect.objectContaining({ violationType: 'PATH_TRAVERSAL' })]);
    }
    // The meaning relaxes traversal only: code in the path still blocks.
    await request(server())
      .post('/items')
      .send({ title: 'ok', content: 'ok', origin: { path: 'src/$(id).ts' } })
      .expect(403);
    // Undeclared fields stay strict, beside the declared one and in a subclass.
    await request(server())
      .post('/items')
      .send({ title: 'ok', content: 'ok', origin: { ref: 'docs/../src/a.ts' } })
      .expect(403);
    await request(server())
      .post('/items/extended')
      .send({ title: 'ok', content: 'ok', attachment: 'docs/../src/a.ts' })
      .expect(201);
    await request(server())
      .post('/items/extended')
      .send({ title: 'docs/../src/a.ts', content: 'ok' })
      .expect(403);
  });

  it('refuses an unknown field meaning when the DTO is declared', () => {
    expect(() => FieldMeaning('shell-command' as never)).toThrow(/unknown field meaning/);
  });
});
