import { Body, Controller, HttpCode, Post, type Type } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiContract } from '../../common/errors/api-contract.js';
import { ApiAuthenticated } from '../../common/openapi/swagger.js';
import { CountResponseDto, ListBodyDto } from './essence.dto.js';
import type { EssenceDefinition, EssenceSetBody } from './essences/essence-definition.js';
import { ObjectsService } from './objects.service.js';
import { Context, type RequestContext } from './request-context.js';
import { FieldsDto, IdDto, IdFieldsDto, MethodGetItemDto } from './workflow.dto.js';

/**
 * The controller factory (design/objects-kernel.md section 1): one controller per essence definition, at
 * `/api/v1/<code>`, with seed 002's general endpoints `type | method | count | set | get | list` ("Общие конечные
 * точки"). `set` validates and documents the definition's own DTO.
 */
export function essenceController(def: EssenceDefinition): Type {
  @ApiTags('objects')
  @ApiContract('platform')
  @ApiAuthenticated()
  @Controller(`api/v1/${def.code}`)
  class EssenceController {
    constructor(readonly objects: ObjectsService) {}

    @Post('type')
    @HttpCode(200)
    @ApiOperation({ summary: `The types of ${def.code}` })
    type(@Body() body: FieldsDto, @Context() ctx: RequestContext) {
      return this.objects.types(def, body.fields, ctx);
    }

    @Post('method')
    @HttpCode(200)
    @ApiOperation({ summary: `The methods the caller may run on the ${def.code} now` })
    @ApiOkResponse({ type: [MethodGetItemDto] })
    method(@Body() body: IdDto, @Context() ctx: RequestContext) {
      return this.objects.methods(def, body.id, ctx);
    }

    @Post('count')
    @HttpCode(200)
    @ApiOperation({ summary: `How many ${def.code} objects match (list query: search, filter)` })
    @ApiBody({ type: ListBodyDto })
    @ApiOkResponse({ type: CountResponseDto })
    count(@Body() body: unknown, @Context() ctx: RequestContext) {
      return this.objects.count(def, body, ctx);
    }

    @Post('set')
    @HttpCode(200)
    @ApiOperation({
      summary: def.setSummary ?? `Create a ${def.code} (no id) or change the given keys (with id); answers what /get answers`,
    })
    @ApiBody({ type: def.setDto })
    set(@Body() body: EssenceSetBody, @Context() ctx: RequestContext) {
      return this.objects.set(def, body, ctx);
    }

    @Post('get')
    @HttpCode(200)
    @ApiOperation({ summary: `One ${def.code} (the class-table fields)` })
    get(@Body() body: IdFieldsDto, @Context() ctx: RequestContext) {
      return this.objects.get(def, body.id, body.fields, ctx);
    }

    @Post('list')
    @HttpCode(200)
    @ApiOperation({ summary: `${def.code} objects by the list query language (fields, search, filter, orderby, reclimit, recoffset)` })
    @ApiBody({ type: ListBodyDto })
    list(@Body() body: unknown, @Context() ctx: RequestContext) {
      return this.objects.list(def, body, ctx);
    }
  }
  // The global validation pipe validates `set` against the definition's DTO (the declared type is the interface).
  Reflect.defineMetadata('design:paramtypes', [def.setDto, Object], EssenceController.prototype, 'set');
  const name = `${def.code.charAt(0).toUpperCase()}${def.code.slice(1)}Controller`;
  Object.defineProperty(EssenceController, 'name', { value: name });
  return EssenceController;
}
