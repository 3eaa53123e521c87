import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiContract } from '../../common/errors/api-contract.js';
import { ApiAuthenticated } from '../../common/openapi/swagger.js';
import { Auth, type AuthContext } from '../../common/security/auth-context.js';
import { NotificationSetDto, NotificationSetResultDto } from './callbacks.dto.js';
import { NotificationsService } from './notifications.service.js';

/** The list language's body (docs/list-query.md), documented once. */
const LIST_BODY = {
  schema: {
    type: 'object',
    properties: {
      fields: { type: 'array', items: { type: 'string' } },
      search: { type: 'array', items: { type: 'object' } },
      filter: { type: 'object', example: { read: null } },
      reclimit: { type: 'integer' },
      recoffset: { type: 'integer' },
      orderby: { type: 'array', items: { type: 'string' }, example: ['created DESC'] },
    },
  },
} as const;

/**
 * The caller's notifications (the portal's push events addressed to them, seed 001) by the list language.
 * Fields: id, type, title, message, data (JSON: `data.id`...), source_id, created, read (null: unread).
 */
@ApiTags('callbacks')
@ApiContract('platform')
@ApiAuthenticated()
@Controller('api/v1/notification')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Post('list')
  @HttpCode(200)
  @ApiOperation({ summary: 'My notifications by the list language (filter {"read": null}: the unread ones); newest first' })
  @ApiBody(LIST_BODY)
  list(@Body() body: unknown, @Auth() auth: AuthContext) {
    return this.notifications.list(auth.userId, body);
  }

  @Get('list')
  @ApiOperation({ summary: 'My notifications (GET: the list keys in the query string, JSON-valued ones as JSON text)' })
  listGet(@Query() query: unknown, @Auth() auth: AuthContext) {
    return this.notifications.list(auth.userId, query);
  }

  @Post('count')
  @HttpCode(200)
  @ApiOperation({ summary: 'How many of my notifications match (search, filter)' })
  @ApiBody(LIST_BODY)
  count(@Body() body: unknown, @Auth() auth: AuthContext) {
    return this.notifications.count(auth.userId, body);
  }

  @Post('set')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark my notifications read (read: false: unread again); others’ ids change nothing' })
  @ApiOkResponse({ type: NotificationSetResultDto })
  set(@Body() body: NotificationSetDto, @Auth() auth: AuthContext): Promise<NotificationSetResultDto> {
    return this.notifications.setRead(auth.userId, body.id, body.read ?? true);
  }
}
