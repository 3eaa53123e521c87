import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ApiContract } from '../../common/errors/api-contract.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { parseListQuery } from '../../common/list-query/list-query.parser.js';
import { ApiAuthenticated } from '../../common/openapi/swagger.js';
import { Auth, type AuthContext } from '../../common/security/auth-context.js';
import { projectFields } from '../../common/list-query/result-rows.js';
import { IsTimestamp } from '../../common/validation/dates.js';
import { IsNumericId } from '../../common/validation/numeric-id.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { EVENT_LOG_COLUMNS, EventLogRepository } from './event-log.repository.js';
import { EventLogService } from './event-log.service.js';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

class EventLogFilterDto {
  @ApiPropertyOptional({ enum: ['M', 'W', 'E'] }) @IsOptional() @IsIn(['M', 'W', 'E']) type?: 'M' | 'W' | 'E';
  @ApiPropertyOptional() @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(2_147_483_647) code?: number;
  @ApiPropertyOptional({ example: 1_793_491_200_000, description: 'From (inclusive): epoch ms or ISO 8601' })
  @IsOptional()
  @IsTimestamp('datefrom')
  datefrom?: Date;
  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z', description: 'To (exclusive): epoch ms or ISO 8601' })
  @IsOptional()
  @IsTimestamp('dateto')
  dateto?: Date;
}

class EventLogSetDto {
  @ApiPropertyOptional({ enum: ['M', 'W', 'E'], default: 'M' }) @IsOptional() @IsIn(['M', 'W', 'E']) type?: 'M' | 'W' | 'E';
  @ApiPropertyOptional({ default: 9000 }) @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(2_147_483_647) code?: number;
  @ApiPropertyOptional({ default: '' }) @IsOptional() @IsString() @MaxLength(2000) text?: string;
}

class EventLogGetDto {
  @ApiProperty() @IsNumericId('id') id: string;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) fields?: string[];
}

/** The last entries `/event/log` answers (newest first). */
const LOG_LIMIT = 500;

/**
 * Seed 002's event log: read (administrators see every entry, others their own), add an entry, one entry,
 * and the list query language over it.
 */
@ApiTags('objects')
@ApiContract('platform')
@ApiAuthenticated()
@Controller('api/v1/event/log')
export class EventLogController {
  constructor(
    private readonly events: EventLogService,
    private readonly repo: EventLogRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Administrators read every entry, others their own. */
  private reader(auth: AuthContext): string | null {
    return auth.admin ? null : auth.userId;
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: `The event log by type, code and period (newest first, at most ${LOG_LIMIT})` })
  log(@Body() body: EventLogFilterDto, @Auth() auth: AuthContext) {
    return this.repo.filter(body, this.reader(auth), LOG_LIMIT);
  }

  @Post('set')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add an entry (as the caller); type, code and text are all optional' })
  async set(@Body() body: EventLogSetDto, @Auth() auth: AuthContext) {
    const id = await this.repo.insert({
      type: body.type ?? 'M',
      code: body.code ?? 9000,
      category: 'user',
      text: body.text ?? '',
      userId: auth.userId,
      session: auth.session,
    });
    return this.repo.get(id, null);
  }

  @Post('get')
  @HttpCode(200)
  @ApiOperation({ summary: 'One entry' })
  async get(@Body() body: EventLogGetDto, @Auth() auth: AuthContext) {
    const row = await this.repo.get(body.id, this.reader(auth));
    if (!row) throw new DomainError('NOT_FOUND', `Event log entry ${body.id} not found`);
    return projectFields([row], body.fields, Object.keys(EVENT_LOG_COLUMNS))[0];
  }

  @Post('list')
  @HttpCode(200)
  @ApiOperation({ summary: 'The event log by the list query language' })
  @ApiBody({ schema: { type: 'object' } })
  list(@Body() body: unknown, @Auth() auth: AuthContext) {
    return this.repo.list(parseListQuery(body, EVENT_LOG_COLUMNS, this.config.list, { orderBy: ['id DESC'] }), this.reader(auth));
  }
}
