import fc from 'fast-check';

/** An operation of the live OpenAPI document (plus the provider's routes, which it does not list). */
export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  /** Body properties by name (resolved from components), empty when the operation takes none. */
  properties: Record<string, { type?: string; enum?: unknown[] }>;
  pathParams: Record<string, unknown[] | undefined>;
}

interface OpenApi {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, SchemaObject> };
}
interface OpenApiOperation {
  parameters?: { name: string; in: string; schema?: SchemaObject }[];
  requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
}
interface SchemaObject {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  properties?: Record<string, SchemaObject>;
  allOf?: SchemaObject[];
}

/** oidc-provider's own endpoints: the provider is mounted before Express and Swagger does not see them. */
const PROVIDER_OPERATIONS: Operation[] = [
  {
    method: 'post',
    path: '/oauth2/token',
    properties: props('grant_type', 'client_id', 'client_secret', 'username', 'password', 'scope', 'code', 'refresh_token'),
    pathParams: {},
  },
  {
    method: 'get',
    path: '/oauth2/authorize',
    properties: props('client_id', 'response_type', 'scope', 'redirect_uri', 'state', 'login_hint', 'nonce'),
    pathParams: {},
  },
  { method: 'post', path: '/oauth2/authorize', properties: props('client_id', 'response_type', 'scope', 'redirect_uri'), pathParams: {} },
  {
    method: 'post',
    path: '/oauth2/request',
    properties: props('client_id', 'client_secret', 'response_type', 'scope', 'redirect_uri'),
    pathParams: {},
  },
  {
    method: 'get',
    path: '/oauth2/logout',
    properties: props('id_token_hint', 'post_logout_redirect_uri', 'state', 'client_id'),
    pathParams: {},
  },
  { method: 'get', path: '/oauth2/.well-known/openid-configuration', properties: {}, pathParams: {} },
  { method: 'get', path: '/oauth2/jwks', properties: {}, pathParams: {} },
];

function props(...names: string[]): Operation['properties'] {
  return Object.fromEntries(names.map((n) => [n, { type: 'string' }]));
}

function resolve(doc: OpenApi, schema: SchemaObject | undefined, depth = 0): SchemaObject {
  if (!schema || depth > 5) return {};
  if (schema.$ref) return resolve(doc, doc.components?.schemas?.[schema.$ref.split('/').pop()!], depth + 1);
  if (schema.allOf) {
    const parts = schema.allOf.map((s) => resolve(doc, s, depth + 1));
    return { type: 'object', properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})) as Record<string, SchemaObject> };
  }
  return schema;
}

/** Every operation of the document, with its body's properties and its path parameters. */
export function operationsOf(doc: OpenApi): Operation[] {
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const body = resolve(doc, op.requestBody?.content?.['application/json']?.schema);
      const properties = Object.fromEntries(Object.entries(body.properties ?? {}).map(([k, v]) => [k, resolve(doc, v)]));
      const pathParams = Object.fromEntries((op.parameters ?? []).filter((p) => p.in === 'path').map((p) => [p.name, p.schema?.enum]));
      out.push({ method: method as Operation['method'], path, properties, pathParams });
    }
  }
  return [...out, ...PROVIDER_OPERATIONS];
}

/** Values PostgreSQL, class-transformer or a cast would trip on, and plain wrong types. */
const HOSTILE: unknown[] = [
  null,
  1e20,
  -1,
  1.5,
  0,
  2 ** 63,
  '99999999999999999999',
  '-1',
  '1e3',
  '',
  ' ',
  'x'.repeat(5000),
  'nul\u0000byte',
  'lone\ud800surrogate',
  '\udc00',
  '2020-02-30',
  '0000-01-01',
  '10000-01-01T00:00:00Z',
  8.64e15,
  true,
  [],
  {},
  [null],
  { __proto__: { admin: true } },
  JSON.parse('{"__proto__":{"admin":true}}') as unknown,
  { constructor: { prototype: 1 } },
  ';DROP TABLE app_user;--',
  "' OR '1'='1",
  '{"a":1}',
  '[1,2',
];

const deep = (n: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = [v];
  return v;
};

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(deep(40), deep(300)) },
);

/** A plausible value for a property, so that the hostile one next to it gets past the first check. */
function plausible(spec: { type?: string; enum?: unknown[] }): fc.Arbitrary<unknown> {
  if (spec.enum?.length) return fc.constantFrom(...spec.enum);
  if (spec.type === 'integer' || spec.type === 'number') return fc.constantFrom(1, 2, 100);
  if (spec.type === 'boolean') return fc.boolean();
  if (spec.type === 'array') return fc.constant([]);
  if (spec.type === 'object') return fc.constant({});
  return fc.constantFrom('client', 'enabled', 'nobody', '1', 'x');
}

/** A body for an operation: its own keys, some plausible, some hostile, some missing, maybe extra ones. */
export function bodyOf(op: Operation): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(op.properties);
  const record = fc.record(
    Object.fromEntries(keys.map((k) => [k, fc.oneof(plausible(op.properties[k]), hostileValue)])) as Record<string, fc.Arbitrary<unknown>>,
    { requiredKeys: [] },
  );
  return fc
    .tuple(record, fc.option(fc.tuple(fc.constantFrom('extra', '__proto__', 'constructor', 'a\u0000', 'prototype'), hostileValue)))
    .map(([body, extra]) => {
      const out: Record<string, unknown> = { ...body };
      if (extra) Object.defineProperty(out, extra[0], { value: extra[1], enumerable: true, configurable: true, writable: true });
      return out;
    });
}

export type Encoding =
  'json' | 'form' | 'multipart' | 'query' | 'text' | 'xml' | 'octet' | 'none' | 'json-scalar' | 'json-deep' | 'form-json';

export interface FuzzRequest {
  path: string;
  body: Record<string, unknown>;
  encoding: Encoding;
  scalar: unknown;
  anonymous: boolean;
}

/** Path parameters: a documented value, or a hostile text. */
function pathOf(op: Operation): fc.Arbitrary<string> {
  const names = Object.keys(op.pathParams);
  if (names.length === 0) return fc.constant(op.path);
  return fc
    .tuple(
      ...names.map((n) =>
        fc.oneof(
          op.pathParams[n]?.length ? fc.constantFrom(...op.pathParams[n].map(String)) : fc.constant('x'),
          fc.constantFrom('%00', '%ED%A0%80', '..', 'a'.repeat(300), '%FF'),
        ),
      ),
    )
    .map((values) =>
      names.reduce((p, n, i) => p.replace(`{${n}}`, values[i].startsWith('%') ? values[i] : encodeURIComponent(values[i])), op.path),
    );
}

export function requestOf(op: Operation): fc.Arbitrary<FuzzRequest> {
  return fc.record({
    path: pathOf(op),
    body: bodyOf(op),
    encoding: fc.constantFrom<Encoding>(
      'json',
      'json',
      'form',
      'multipart',
      'query',
      'text',
      'xml',
      'octet',
      'none',
      'json-scalar',
      'json-deep',
      'form-json',
    ),
    scalar: fc.oneof(fc.constantFrom(null, 0, 'text', true, [], [[]]), hostileValue),
    anonymous: fc.boolean(),
  });
}

/** Form text of a value: strings as they are, anything else as JSON (what a client would send). */
export function formValue(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
}
