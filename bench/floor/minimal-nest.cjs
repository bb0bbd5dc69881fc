// The framework's floor for `npm run bench`: a minimal Nest-on-Fastify app with one controller
// returning {status: "ok"}, from the same node_modules, in its own process. Plain CommonJS (the
// decorators applied as functions), so it runs without a build step. PORT names its port.
'use strict';
require('reflect-metadata');
const { Controller, Get, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');

class FloorController {
  live() {
    return { status: 'ok' };
  }
}
Get('live')(
  FloorController.prototype,
  'live',
  Object.getOwnPropertyDescriptor(FloorController.prototype, 'live'),
);
Controller('health')(FloorController);

class FloorModule {}
Module({ controllers: [FloorController] })(FloorModule);

async function main() {
  const app = await NestFactory.create(FloorModule, new FastifyAdapter(), { logger: false });
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((error) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
