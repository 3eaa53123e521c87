import { applyDecorators, type INestApplication } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

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

/** Documents that routes take a bearer token or the Session/Nonce/Signature headers. */
export const ApiAuthenticated = () => applyDecorators(ApiBearerAuth('bearer'), ...SIGNATURE_SCHEMES.map((h) => ApiSecurity(h)));

/** Swagger UI at /docs, the OpenAPI document at /docs/json. */
export function setupSwagger(app: INestApplication): void {
  const builder = new DocumentBuilder()
    .setTitle('Platform API')
    .setDescription(
      'OAuth 2.0 / OpenID Connect server, object and workflow platform, KLADR address classifier and integration contracts. ' +
        'Authenticate with a bearer JWT access token, or sign each request with the Session / Nonce / Signature headers.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'JWT access token' }, 'bearer');
  for (const header of SIGNATURE_SCHEMES) {
    builder.addApiKey({ type: 'apiKey', in: 'header', name: header, description: `HMAC-SHA256 request signing: ${header} header` }, header);
  }
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build());
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/json',
    yamlDocumentUrl: 'docs/yaml',
    customSiteTitle: 'Platform API',
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
  });
}
