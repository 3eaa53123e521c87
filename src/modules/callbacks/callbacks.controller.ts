import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ApiContract } from '../../common/errors/api-contract.js';
import { Public } from '../../common/security/auth-context.js';
import { CallbackKeyGuard } from './callback-key.guard.js';
import {
  CallbackErrorDto,
  CallbackResultDto,
  PersonParamDto,
  PinUpdateDto,
  PortalSessionsDto,
  PushEventDto,
  PushEventResultDto,
  SessionsDeleteQueryDto,
} from './callbacks.dto.js';
import { invalidField } from '../../common/validation/validation.pipe.js';
import { PortalSessionsService } from './portal-sessions.service.js';
import { NotificationsService } from './notifications.service.js';
import { PortalPersonsService } from './portal-persons.service.js';

/**
 * Seed 001: the intranet portal's callbacks. No user token: the portal authenticates with X-Callback-Key
 * (CallbackKeyGuard). Errors in the seed's envelope (@ApiContract('callback')).
 */
@ApiTags('callbacks')
@ApiContract('callback')
@ApiSecurity('callback-key')
@ApiExtraModels(CallbackErrorDto)
@ApiUnauthorizedResponse({
  description: 'Missing or wrong X-Callback-Key: `{"result": false, "error": "Invalid callback key."}`',
  type: CallbackErrorDto,
})
@ApiNotFoundResponse({ description: 'No CALLBACK_KEYS configured (the routes are off), or an unknown person', type: CallbackErrorDto })
@ApiUnprocessableEntityResponse({
  description: 'Validation: `{"result": false, "<field>": ["<what is wrong>", ...], ...}`, one key per failing field',
  schema: {
    type: 'object',
    properties: { result: { type: 'boolean', example: false } },
    additionalProperties: { type: 'array', items: { type: 'string' } },
  },
})
@Public()
@UseGuards(CallbackKeyGuard)
@Controller('api/v1/callback')
export class CallbacksController {
  constructor(
    private readonly persons: PortalPersonsService,
    private readonly notifications: NotificationsService,
    private readonly sessions: PortalSessionsService,
  ) {}

  @Post('pin/update')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Set the PIN of a person (the portal calls it when a new user registers)',
    description:
      'The person is found by id_phperson, or linked to the user with the e-mail ad_login, or a user is created (login and e-mail ad_login). tab_no and ad_login become the logins of the PIN sign-in (POST /api/v1/sign/pin); the PIN is kept as an argon2id hash. Repeating the call is harmless. 409 when tab_no or ad_login belongs to another person.',
  })
  @ApiOkResponse({ type: CallbackResultDto })
  @ApiConflictResponse({ description: 'tab_no or ad_login belongs to another person', type: CallbackErrorDto })
  async pinUpdate(@Body() body: PinUpdateDto): Promise<CallbackResultDto> {
    await this.persons.updatePin(body);
    return { result: true };
  }

  @Post('portal/push/events')
  @HttpCode(200)
  @ApiOperation({
    summary: 'An event on the portal (push, kip_new, kip_comment, kip_update) for some of its users',
    description:
      'Stored as a notification of each known user (GET/POST /api/v1/notification/list), once per (data.id, type): a retry adds only users it had not reached, and nothing twice. What is new is published after commit as the domain event PortalNotificationReceived (docs/events.md). Users the service does not know (no pin/update yet) are listed in `unknown_users`, not refused.',
  })
  @ApiOkResponse({ type: PushEventResultDto })
  async pushEvents(@Body() body: PushEventDto): Promise<PushEventResultDto> {
    const { unknownUsers } = await this.notifications.receive(body);
    return unknownUsers.length > 0 ? { result: true, unknown_users: unknownUsers } : { result: true };
  }

  @Get('sessions/:id_phperson')
  @ApiOperation({
    summary: 'The person’s sessions (open and not ended), newest first',
    description: 'Times are `YYYY-MM-DD HH:MM:SS` in UTC. An unknown person: 404 `{"result": false, "error": "User not found."}`.',
  })
  @ApiOkResponse({ type: PortalSessionsDto })
  async listSessions(@Param() params: PersonParamDto): Promise<PortalSessionsDto> {
    return { result: true, data: await this.sessions.list(params.id_phperson) };
  }

  @Delete('sessions/:id_phperson')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Close one of the person’s sessions (?session_id=<id>) or all of them (?all=1)',
    description:
      'As sign-out does: the sessions’ access tokens, refresh tokens and request signatures stop working at once. An unknown person: 404 `User not found.`; a session_id that is not an open session of theirs: 404 `Session not found.`; neither or both parameters: 422.',
  })
  @ApiOkResponse({ type: CallbackResultDto })
  async closeSessions(@Param() params: PersonParamDto, @Query() query: SessionsDeleteQueryDto): Promise<CallbackResultDto> {
    if ((query.session_id === undefined) === (query.all === undefined))
      throw invalidField('session_id', 'Give either session_id or all=1.');
    await this.sessions.close(params.id_phperson, query.session_id ?? null);
    return { result: true };
  }
}
