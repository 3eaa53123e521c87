import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { ApiContract } from '../../common/errors/api-contract.js';
import { requestLanguage } from '../../common/i18n/language.js';
import { ApiAuthenticated } from '../../common/openapi/swagger.js';
import { Auth, type AuthContext } from '../../common/security/auth-context.js';
import { CalendarService } from './calendar.service.js';
import { ClientService } from './client.service.js';
import { CalendarSetDto, ClientSetDto, CountResponseDto, ListBodyDto } from './essence.dto.js';
import type { ObjectReader } from './object-reader.js';
import { actorOf } from './workflow.controller.js';
import { FieldsDto, IdDto, IdFieldsDto, MethodGetItemDto } from './workflow.dto.js';

/** The generic reads every essence has (seed 002 "Общие конечные точки"); subclasses add `set`. */
abstract class EssenceReads {
  protected abstract readonly reader: ObjectReader;
  protected abstract readonly ds: DataSource;

  @Post('type')
  @HttpCode(200)
  @ApiOperation({ summary: 'The types of this essence' })
  type(@Body() body: FieldsDto, @Req() req: Request) {
    return this.reader.types(this.ds.manager, body.fields, requestLanguage(req, 'ru'));
  }

  @Post('method')
  @HttpCode(200)
  @ApiOperation({ summary: 'The methods the caller may run on the object now' })
  @ApiOkResponse({ type: [MethodGetItemDto] })
  method(@Body() body: IdDto, @Req() req: Request, @Auth() auth: AuthContext) {
    return this.reader.methods(this.ds.manager, body.id, actorOf(auth), requestLanguage(req, 'ru'));
  }

  @Post('count')
  @HttpCode(200)
  @ApiOperation({ summary: 'How many objects match (list query: search, filter)' })
  @ApiBody({ type: ListBodyDto })
  @ApiOkResponse({ type: CountResponseDto })
  count(@Body() body: unknown, @Req() req: Request, @Auth() auth: AuthContext) {
    return this.reader.count(this.ds.manager, body, actorOf(auth), requestLanguage(req, 'ru'));
  }

  @Post('get')
  @HttpCode(200)
  @ApiOperation({ summary: 'One object (the class-table fields)' })
  get(@Body() body: IdFieldsDto, @Req() req: Request, @Auth() auth: AuthContext) {
    return this.reader.get(this.ds.manager, body.id, body.fields, actorOf(auth), requestLanguage(req, 'ru'));
  }

  @Post('list')
  @HttpCode(200)
  @ApiOperation({ summary: 'Objects by the list query language (fields, search, filter, orderby, reclimit, recoffset)' })
  @ApiBody({ type: ListBodyDto })
  list(@Body() body: unknown, @Req() req: Request, @Auth() auth: AuthContext) {
    return this.reader.list(this.ds.manager, body, actorOf(auth), requestLanguage(req, 'ru'));
  }
}

@ApiTags('objects')
@ApiContract('platform')
@ApiAuthenticated()
@Controller('api/v1/client')
export class ClientController extends EssenceReads {
  protected readonly reader: ObjectReader;

  constructor(
    private readonly clients: ClientService,
    @InjectDataSource() protected readonly ds: DataSource,
  ) {
    super();
    this.reader = clients.reader;
  }

  @Post('set')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create a client (no id) or change the given keys (with id); answers what /get answers',
    description: '`userid` 0 creates a user account with the code as login.',
  })
  set(@Body() body: ClientSetDto, @Req() req: Request, @Auth() auth: AuthContext) {
    return this.clients.set(body, actorOf(auth), requestLanguage(req, 'ru'));
  }
}

@ApiTags('objects')
@ApiContract('platform')
@ApiAuthenticated()
@Controller('api/v1/calendar')
export class CalendarController extends EssenceReads {
  protected readonly reader: ObjectReader;

  constructor(
    private readonly calendars: CalendarService,
    @InjectDataSource() protected readonly ds: DataSource,
  ) {
    super();
    this.reader = calendars.reader;
  }

  @Post('set')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a calendar (no id; code required) or change the given keys; answers what /get answers' })
  set(@Body() body: CalendarSetDto, @Req() req: Request, @Auth() auth: AuthContext) {
    return this.calendars.set(body, actorOf(auth), requestLanguage(req, 'ru'));
  }
}
