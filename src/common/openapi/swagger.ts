import { applyDecorators, type INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { ApiBearerAuth, ApiSecurity, DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { IS_PUBLIC } from '../security/auth-context.js';

/** One tag per module, in the order Swagger UI shows them. */
const TAGS: [name: string, description: string][] = [
  ['system', 'Connection test, server time, health probes'],
  ['auth', 'Sign up / in / out, sessions, whoami, current values, locale (seed 002)'],
  ['oauth2', 'OAuth 2.0 / OpenID Connect authorization server (seed 002)'],
  ['objects', 'Object and workflow platform: classes, states, methods, actions, event log (seed 002)'],
  ['address', 'KLADR address classifier and address objects (seed 002)'],
  ['sessions-export', 'Work-shift sessions export for managers (seed 000)'],
  ['callbacks', 'Intranet portal callbacks (seed 001)'],
  ['qr-codes', 'QR-code identification of users (seed 004)'],
];

/** Header names of the HMAC request-signing scheme (design/auth.md). */
export const SIGNATURE_SCHEMES = ['Session', 'Nonce', 'Signature'] as const;

/** The schemes that carry a user's credentials on the API (what a @Public route does without). */
const API_SCHEMES = new Set<string>(['bearer', 'basic', ...SIGNATURE_SCHEMES]);

/** Documents that routes take a bearer token, the Session/Nonce/Signature headers or HTTP Basic. */
export const ApiAuthenticated = () =>
  applyDecorators(ApiBearerAuth('bearer'), ApiSecurity('basic'), ...SIGNATURE_SCHEMES.map((h) => ApiSecurity(h)));

/** Documents that a route authenticates the OAuth client (HTTP Basic, or client_id and client_secret in the body). */
export const ApiClientAuthenticated = () => ApiSecurity('client');

/** Swagger UI at /docs, the OpenAPI document at /docs/json. */
export function setupSwagger(app: INestApplication): void {
  const builder = new DocumentBuilder()
    .setTitle('Platform API')
    .setDescription(
      'OAuth 2.0 / OpenID Connect server, object and workflow platform, KLADR address classifier and integration contracts. ' +
        'Authenticate with a bearer JWT access token, or sign each request with the Session / Nonce / Signature headers.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'JWT access token (the api scope)' }, 'bearer')
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'A user’s login:password (API_BASIC_AUTH)' }, 'basic')
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'OAuth client_id:client_secret (or both in the form body)' }, 'client');
  for (const header of SIGNATURE_SCHEMES) {
    builder.addApiKey({ type: 'apiKey', in: 'header', name: header, description: `HMAC-SHA256 request signing: ${header} header` }, header);
  }
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = markPublic(app, SwaggerModule.createDocument(app, builder.build()));
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/json',
    yamlDocumentUrl: 'docs/yaml',
    customSiteTitle: 'Platform API',
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
  });
}

/**
 * Routes marked @Public (on the handler or its controller) need no user credentials: their operations keep only
 * the schemes that are not the API's (an OAuth client's), which is `security: []` for most. Controllers mixing
 * public and signed-in routes may so document credentials once, on the class.
 */
function markPublic(app: INestApplication, document: OpenAPIObject): OpenAPIObject {
  const scanner = new MetadataScanner();
  const join = (...parts: string[]) => `/${parts.join('/')}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  for (const wrapper of app.get(DiscoveryService, { strict: false }).getControllers()) {
    const { metatype, instance } = wrapper as { metatype?: object; instance?: object };
    if (!metatype || !instance) continue;
    const classPublic = Reflect.getMetadata(IS_PUBLIC, metatype) === true;
    const bases = [Reflect.getMetadata(PATH_METADATA, metatype) ?? '/'].flat() as string[];
    for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
      const handler = (instance as Record<string, unknown>)[name] as object;
      const verb = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (verb === undefined || (Reflect.getMetadata(IS_PUBLIC, handler) ?? classPublic) !== true) continue;
      const routes = [Reflect.getMetadata(PATH_METADATA, handler) ?? '/'].flat() as string[];
      for (const route of bases.flatMap((b) => routes.map((r) => join(b, r).replace(/:(\w+)/g, '{$1}')))) {
        const operation = document.paths[route]?.[RequestMethod[verb].toLowerCase() as 'get'];
        if (operation) operation.security = (operation.security ?? []).filter((r) => Object.keys(r).every((k) => !API_SCHEMES.has(k)));
      }
    }
  }
  return document;
}
