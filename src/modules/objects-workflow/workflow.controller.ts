import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath, ApiExtraModels } from '@nestjs/swagger';
import type { Request } from 'express';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ApiContract } from '../../common/errors/api-contract.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { requestLanguage } from '../../common/i18n/language.js';
import { ApiAuthenticated } from '../../common/openapi/swagger.js';
import { AdminOnly, Auth, type AuthContext } from '../../common/security/auth-context.js';
import { fieldErrors, invalidField } from '../../common/validation/validation.pipe.js';
import { ActionRunDto, FieldsDto, IdDto, IdFieldsDto, MAX_BATCH, MethodGetDto, MethodGetItemDto, MethodRunDto } from './workflow.dto.js';
import { actorOf } from './request-context.js';
import { type CatalogueName, WorkflowService } from './workflow.service.js';

/** Seed 002 "Платформа": the workflow configuration, running actions and methods, object class/type/state. */
@ApiTags('objects')
@ApiContract('platform')
@ApiAuthenticated()
@ApiExtraModels(ActionRunDto)
@Controller('api/v1')
export class WorkflowController {
  constructor(private readonly workflow: WorkflowService) {}

  private list(name: CatalogueName, body: FieldsDto, req: Request) {
    return this.workflow.catalogue(name, requestLanguage(req, 'ru'), body.fields);
  }

  @Post('essence')
  @HttpCode(200)
  @ApiOperation({ summary: 'Essences (object, document, reference, address, client, calendar)' })
  essences(@Body() body: FieldsDto, @Req() req: Request) {
    return this.list('essence', body, req);
  }

  @Post('class')
  @HttpCode(200)
  @ApiOperation({ summary: 'The class tree' })
  classes(@Body() body: FieldsDto, @Req() req: Request) {
    return this.list('class', body, req);
  }

  @Post('type')
  @HttpCode(200)
  @ApiOperation({ summary: 'Object types' })
  types(@Body() body: FieldsDto, @Req() req: Request) {
    return this.list('type', body, req);
  }

  @Post('state/type')
  @HttpCode(200)
  @ApiOperation({ summary: 'State types (created, enabled, disabled, deleted)' })
  stateTypes(@Body() body: FieldsDto, @Req() req: Request) {
    return this.list('stateType', body, req);
  }

  @Post('state')
  @HttpCode(200)
  @ApiOperation({ summary: 'States' })
  states(@Body() body: FieldsDto, @Req() req: Request) {
    return this.list('state', body, req);
  }

  @Post('action')
  @HttpCode(200)
  @ApiOperation({ summary: 'The action catalogue' })
  actions(@Body() body: FieldsDto, @Req() req: Request) {
    return this.list('action', body, req);
  }

  @Post('method/list')
  @HttpCode(200)
  @ApiOperation({ summary: 'All methods' })
  methods(@Body() body: FieldsDto, @Req() req: Request) {
    return this.list('method', body, req);
  }

  @Post('action/run')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run an action on an object (or an array of such requests, all or nothing)',
    description: '409 when the object’s current state offers no method for the action; 403 without the right; 404 for an unknown object.',
  })
  @ApiBody({
    schema: {
      oneOf: [{ $ref: getSchemaPath(ActionRunDto) }, { type: 'array', items: { $ref: getSchemaPath(ActionRunDto) }, maxItems: MAX_BATCH }],
    },
  })
  async runAction(@Body() body: unknown, @Auth() auth: AuthContext) {
    const batch = Array.isArray(body);
    const items = batch ? body : [body];
    if (items.length === 0 || items.length > MAX_BATCH) throw invalidField('body', `1 to ${MAX_BATCH} requests`);
    const requests = await Promise.all(items.map((item, i) => validated(ActionRunDto, item, batch ? `[${i}]` : '')));
    const out = await this.workflow.runActions(requests, actorOf(auth));
    return batch ? out : out[0];
  }

  @Post('method/run')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run a method (id or code) on an object',
    description: '409 when the method is not offered in the object’s current state.',
  })
  runMethod(@Body() body: MethodRunDto, @Auth() auth: AuthContext) {
    return this.workflow.runMethod(body, actorOf(auth));
  }

  @Post('method/get')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The methods offered in a state of a class',
    description: 'By object, or class/classcode with state/statecode.',
  })
  @ApiOkResponse({ type: [MethodGetItemDto] })
  methodGet(@Body() body: MethodGetDto, @Req() req: Request, @Auth() auth: AuthContext) {
    return this.workflow.methodsFor(body, requestLanguage(req, 'ru'), actorOf(auth));
  }

  @Post('object/class')
  @HttpCode(200)
  @ApiOperation({ summary: 'The class of an object' })
  objectClass(@Body() body: IdFieldsDto, @Req() req: Request, @Auth() auth: AuthContext) {
    return this.workflow.objectPart(body.id, 'class', requestLanguage(req, 'ru'), actorOf(auth), body.fields);
  }

  @Post('object/type')
  @HttpCode(200)
  @ApiOperation({ summary: 'The type of an object' })
  objectType(@Body() body: IdFieldsDto, @Req() req: Request, @Auth() auth: AuthContext) {
    return this.workflow.objectPart(body.id, 'type', requestLanguage(req, 'ru'), actorOf(auth), body.fields);
  }

  @Post('object/state')
  @HttpCode(200)
  @ApiOperation({ summary: 'The state of an object' })
  objectState(@Body() body: IdFieldsDto, @Req() req: Request, @Auth() auth: AuthContext) {
    return this.workflow.objectPart(body.id, 'state', requestLanguage(req, 'ru'), actorOf(auth), body.fields);
  }

  @Post('object/force/delete')
  @AdminOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'Move an object to its deleted state without running events (administrators)' })
  forceDelete(@Body() body: IdDto, @Auth() auth: AuthContext) {
    return this.workflow.forceDelete(body.id, actorOf(auth));
  }
}

/** Validates one element of a batch body as the global pipe would a single one. */
async function validated<T extends object>(cls: new () => T, value: unknown, prefix: string): Promise<T> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalidField(prefix || 'body', 'must be an object');
  const instance = plainToInstance(cls, value);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const fields = Object.fromEntries(Object.entries(fieldErrors(errors)).map(([k, v]) => [`${prefix}${prefix ? '.' : ''}${k}`, v]));
    throw new DomainError(
      'VALIDATION_FAILED',
      `Validation failed: ${Object.entries(fields)
        .map(([k, v]) => `${k}: ${v.join(', ')}`)
        .join('; ')}`,
      { fields },
    );
  }
  return instance;
}
