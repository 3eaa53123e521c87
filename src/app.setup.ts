import type { Server } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { ContractRegistry } from './common/errors/contract-registry.js';
import { bodyParsers, sizeInBytes } from './common/http/body-parsers.js';
import { requestInput } from './common/http/request-input.js';
import { setupSwagger } from './common/openapi/swagger.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';
import type { AppConfig } from './config/app-config.js';
import { FILE_UPLOAD_ROUTES } from './modules/object-attachments/attachments.controller.js';

/**
 * Everything about the HTTP pipeline that is not a module: logger, security headers, CORS, body parsing,
 * validation, Swagger. Shared by main.ts and the tests, so tests exercise the very pipeline users hit.
 */
export function configureApp(app: NestExpressApplication, config: AppConfig): NestExpressApplication {
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.set('trust proxy', config.http.trustProxy);
  app.disable('x-powered-by');
  app.use(
    helmet({
      // Swagger UI loads its own scripts and styles from /docs. No upgrade-insecure-requests: the service is
      // often reached over plain HTTP inside a network (TLS at the proxy), where it would break /docs.
      contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:'], 'upgrade-insecure-requests': null } },
    }),
  );
  const { corsOrigins } = config.http;
  if (corsOrigins.length > 0) {
    app.enableCors({
      origin: corsOrigins.includes('*') ? true : corsOrigins,
      exposedHeaders: ['X-Request-Id'],
    });
  }
  const { bodyLimit, bodyMaxFields, bodyMaxDepth, bodyMaxKeys } = config.http;
  // File content travels base64 in JSON (4 characters per 3 bytes): those routes take FILE_MAX_BYTES encoded on
  // top of BODY_LIMIT. Their parser runs first; the general one then finds the body read and passes.
  const uploadLimit = String(4 * Math.ceil(config.attachments.fileMaxBytes / 3) + sizeInBytes(bodyLimit));
  const uploadParsers = bodyParsers({ limit: uploadLimit, maxFields: bodyMaxFields, maxDepth: bodyMaxDepth });
  app.use(FILE_UPLOAD_ROUTES, ...uploadParsers);
  for (const parser of bodyParsers({ limit: bodyLimit, maxFields: bodyMaxFields, maxDepth: bodyMaxDepth })) app.use(parser);
  const contracts = app.get(ContractRegistry);
  app.use(requestInput({ maxDepth: bodyMaxDepth, maxKeys: bodyMaxKeys, contractOf: (path) => contracts.resolve(path) }));
  app.useGlobalPipes(createValidationPipe());
  setupSwagger(app);
  applyServerLimits(app.getHttpServer(), config.http);
  return app;
}

/**
 * Node's own defaults (no limit on connections, 60 s for headers, 5 min for a request, checked every 30 s) let
 * 50 slowloris sockets sit for minutes. Node reads these when a connection arrives (and the checking interval
 * when the server starts listening), so setting them on the server Nest made is enough.
 */
export function applyServerLimits(http: Server, limits: AppConfig['http']): void {
  // Both are options of http.createServer that Node keeps as properties; @types/node lists them only as options.
  const server = http as Server & { maxHeaderSize: number; connectionsCheckingInterval: number };
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxHeaderSize = limits.maxHeaderSize;
  if (limits.maxConnections > 0) server.maxConnections = limits.maxConnections;
  // Expired headers are found by a sweep: sweep often enough that the limit means what it says.
  server.connectionsCheckingInterval = Math.min(30_000, Math.ceil(limits.headersTimeoutMs / 4));
}
