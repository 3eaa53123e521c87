import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiContract } from '../../common/errors/api-contract.js';
import { ApiAuthenticated } from '../../common/openapi/swagger.js';
import { AdminOnly } from '../../common/security/auth-context.js';
import { SessionGetDto, SessionIdDto, SessionListDto } from './auth.dto.js';
import { SessionsService } from './sessions.service.js';

/**
 * Seed 002's `/api/v1/admin/session/list` (its third list example) and the rest of a session's administration:
 * count, get, close by id. Administrators only. Fields: id, code, userid, username, client_id, agent, host,
 * locale, area, interface, oper_date, created, updated, access_expires, refresh_expires, closed.
 */
@ApiTags('auth')
@ApiContract('platform')
@ApiAuthenticated()
@AdminOnly()
@Controller('api/v1/admin/session')
export class AdminSessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post('list')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sessions by the list query language (search with lstr/rstr, dd.mm.yyyy dates, filter, orderby, reclimit)' })
  @ApiBody({ type: SessionListDto })
  list(@Body() body: unknown) {
    return this.sessions.list(body);
  }

  @Get('list')
  @ApiOperation({ summary: 'Sessions (GET: the list keys in the query string, JSON-valued ones as JSON text)' })
  listGet(@Query() query: unknown) {
    return this.sessions.list(query);
  }

  @Post('count')
  @HttpCode(200)
  @ApiOperation({ summary: 'How many sessions match (search, filter)' })
  @ApiBody({ type: SessionListDto })
  count(@Body() body: unknown) {
    return this.sessions.count(body);
  }

  @Post('get')
  @HttpCode(200)
  @ApiOperation({ summary: 'One session by id' })
  get(@Body() body: SessionGetDto) {
    return this.sessions.get(body.id, body.fields);
  }

  @Get('get')
  @ApiOperation({ summary: 'One session by id (GET)' })
  getByQuery(@Query() query: SessionIdDto) {
    return this.sessions.get(query.id);
  }

  @Post('close')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close a session by id: its tokens and signatures stop working at once' })
  close(@Body() body: SessionIdDto) {
    return this.sessions.close(body.id);
  }
}
