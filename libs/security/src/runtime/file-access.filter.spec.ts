import { CanActivate, Controller, Get, Injectable, UseGuards } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { withRequestState } from '@techsapo/testing';
import { join } from 'node:path';
import { Counter, Registry } from 'prom-client';
import request from 'supertest';
import { FileAccessFilter } from './file-access.filter';
import { FileAccessMonitor, UNAUTHORIZED_FILE_ACCESS } from './file-access.monitor';

/** An error as Node's permission model raises it (jest itself runs without the model). */
function accessDenied(permission: string, resource: string): Error {
  return Object.assign(new Error('Access to this API has been restricted'), {
    code: 'ERR_ACCESS_DENIED',
    permission,
    resource,
  });
}

@Injectable()
class DeniedReadGuard implements CanActivate {
  canActivate(): boolean {
    throw accessDenied('FileSystemRead', '/etc/shadow');
  }
}

@Controller('files')
class FilesController {
  @Get('write')
  write(): never {
    throw accessDenied('FileSystemWrite', join(process.cwd(), 'dist', 'apps', 'main.js'));
  }

  @Get('spawn')
  async spawn(): Promise<never> {
    await Promise.resolve();
    throw accessDenied('ChildProcess', 'sh');
  }

  @Get('read')
  @UseGuards(DeniedReadGuard)
  read(): string {
    return 'unreachable';
  }

  @Get('broken')
  broken(): never {
    throw new Error('not an access denial');
  }
}

describe('FileAccessFilter (Nest + Fastify)', () => {
  let app: NestFastifyApplication;
  const registry = new Registry();

  beforeAll(async () => {
    const denied = new Counter({
      name: UNAUTHORIZED_FILE_ACCESS,
      help: 'denials',
      labelNames: ['path', 'operation', 'user'],
      registers: [registry],
    });
    const moduleRef = await Test.createTestingModule({
      controllers: [FilesController],
      providers: [
        DeniedReadGuard,
        { provide: FileAccessMonitor, useValue: new FileAccessMonitor(denied) },
        FileAccessFilter,
        { provide: APP_FILTER, useExisting: FileAccessFilter },
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    withRequestState(app, (req) => ({
      principal:
        req.headers['x-user'] === undefined
          ? undefined
          : {
              id: 'u1',
              username: String(req.headers['x-user']),
              roles: ['analyst'],
              method: 'jwt',
            },
    }));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => registry.resetMetrics());

  const server = () => app.getHttpServer();
  const counted = async () =>
    (await registry.getSingleMetric(UNAUTHORIZED_FILE_ACCESS)!.get()).values.map((v) => ({
      labels: v.labels,
      value: v.value,
    }));

  it('answers a denial from a handler as a problem and counts it for the caller', async () => {
    const res = await request(server()).get('/files/write').set('x-user', 'dana').expect(500);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.requestId).toBe('req-1');
    expect(await counted()).toEqual([
      { labels: { path: 'dist/apps', operation: 'write', user: 'dana' }, value: 1 },
    ]);
  });

  it('counts a denial raised after an await, anonymous without a principal', async () => {
    await request(server()).get('/files/spawn').expect(500);
    expect(await counted()).toEqual([
      { labels: { path: 'sh', operation: 'child-process', user: 'anonymous' }, value: 1 },
    ]);
  });

  it('counts a denial raised by a guard', async () => {
    await request(server()).get('/files/read').set('x-user', 'eve').expect(500);
    expect(await counted()).toEqual([
      { labels: { path: '/etc/shadow', operation: 'read', user: 'eve' }, value: 1 },
    ]);
  });

  it('counts nothing for other errors, which still become problems', async () => {
    const res = await request(server()).get('/files/broken').expect(500);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(await counted()).toEqual([]);
  });
});
