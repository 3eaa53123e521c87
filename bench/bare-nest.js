// A framework floor for the ping pair of bench:floor: a bare NestJS app on the Express adapter with one
// controller answering `{}` on GET /api/v1/ping (no middleware, guard, pipe, filter or logger), in its own process.
// Run: PORT=3998 node bench/bare-nest.js
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

class PingController {
  ping() {
    return {};
  }
}
// Decorators applied by hand: this file is plain JavaScript.
Controller('api/v1')(PingController);
Get('ping')(PingController.prototype, 'ping', Object.getOwnPropertyDescriptor(PingController.prototype, 'ping'));

class AppModule {}
Module({ controllers: [PingController] })(AppModule);

const app = await NestFactory.create(AppModule, { logger: false });
await app.listen(Number(process.env.PORT ?? 3998), '127.0.0.1');
process.send?.('ready');
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
