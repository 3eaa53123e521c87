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

/**
 * Documents that routes take a bearer token, HTTP Basic, or the Session/Nonce/Signature headers: the three
 * headers are one requirement (OpenAPI: the schemes of one requirement object are all needed together).
 */
export const ApiAuthenticated = () =>
  applyDecorators(
    ApiBearerAuth('bearer'),
    ApiSecurity('basic'),
    ApiSecurity(Object.fromEntries(SIGNATURE_SCHEMES.map((h) => [h, []])) as Record<string, string[]>),
  );

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
  builder.addApiKey(
    { type: 'apiKey', in: 'header', name: 'X-Callback-Key', description: 'The intranet portal’s key (seed 001): one of CALLBACK_KEYS' },
    'callback-key',
  );
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = describeBodiesAndErrors(markPublic(app, SwaggerModule.createDocument(app, builder.build())));
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/json',
    yamlDocumentUrl: 'docs/yaml',
    customSiteTitle: 'Platform API',
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
  });
}

/** Seed 002's error envelope, what every /api/v1 route answers a 4xx with. */
const ERROR_ENVELOPE = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'integer', example: 400 },
        message: { type: 'string', example: 'Validation failed: code: code must be a string' },
        fields: {
          type: 'object',
          additionalProperties: { type: 'array', items: { type: 'string' } },
          description: 'Per-field messages (400)',
        },
      },
    },
  },
};
const ERRORS: Record<string, string> = {
  '400': 'Invalid input (the offending fields named)',
  '401': 'Missing, invalid or closed credentials',
  '403': 'Not allowed, or Token expired',
};
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

/**
 * What the decorators do not say, applied to every operation alike: on /api/v1 a body is also taken as a
 * urlencoded or multipart form (the body parsers; JSON-typed fields as JSON text); a body with no required
 * field may be left out; every /api/v1 operation lists its 4xx answers with the error envelope.
 */
function describeBodiesAndErrors(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.schemas = { ...document.components.schemas, ErrorEnvelope: ERROR_ENVELOPE };
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const body = operation.requestBody as { required?: boolean; content?: Record<string, { schema?: unknown }> } | undefined;
      const json = body?.content?.['application/json'];
      if (body && json) {
        for (const type of FORM_TYPES) body.content![type] ??= { schema: json.schema };
        if (!hasRequiredFields(document, json.schema)) body.required = false;
      }
      const responses = (operation.responses ??= {});
      const needsUser = (operation.security ?? []).some((r) => Object.keys(r).some((k) => API_SCHEMES.has(k)));
      for (const [status, description] of Object.entries(ERRORS)) {
        if (status !== '400' && !needsUser) continue;
        responses[status] ??= { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } } };
      }
    }
  }
  return document;
}

function hasRequiredFields(document: OpenAPIObject, schema: unknown): boolean {
  const ref = (schema as { $ref?: string } | undefined)?.$ref;
  const resolved = ref ? document.components?.schemas?.[ref.replace('#/components/schemas/', '')] : schema;
  const required = (resolved as { required?: unknown[] } | undefined)?.required;
  return resolved === undefined || (Array.isArray(required) && required.length > 0) || (resolved as { type?: string }).type !== 'object';
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
