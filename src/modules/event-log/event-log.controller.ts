import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { ApiContract } from '../../common/errors/api-contract.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { compileListQuery } from '../../common/list-query/list-query.compiler.js';
import { parseListQuery } from '../../common/list-query/list-query.parser.js';
import type { ColumnMap } from '../../common/list-query/list-query.types.js';
import { ApiAuthenticated } from '../../common/openapi/swagger.js';
import { Auth, type AuthContext } from '../../common/security/auth-context.js';
import { numbersIn, projectFields } from '../../common/list-query/result-rows.js';
import { IsTimestamp } from '../../common/validation/dates.js';
import { IsNumericId } from '../../common/validation/numeric-id.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
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

const COLUMNS: ColumnMap = {
  id: { sql: 'l.id', type: 'integer' },
  datetime: { sql: 'l.datetime', type: 'timestamp' },
  type: { sql: 'l.type', type: 'text' },
  code: { sql: 'l.code', type: 'integer' },
  category: { sql: 'l.category', type: 'text' },
  text: { sql: 'l.text', type: 'text' },
  userid: { sql: 'l.user_id', type: 'integer' },
  username: { sql: 'u.username', type: 'text' },
  session: { sql: 'l.session', type: 'text' },
  object: { sql: 'l.object_id', type: 'integer' },
};
const FROM = 'event_log l LEFT JOIN app_user u ON u.id = l.user_id';
/** The last entries `/event/log` answers (newest first). */
const LOG_LIMIT = 500;

const numbers = (row: Record<string, unknown>) => numbersIn(row, ['id', 'code', 'userid', 'object']);

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
    @InjectDataSource() private readonly ds: DataSource,
    private readonly events: EventLogService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private visible(auth: AuthContext, param: number): { sql: string; params: unknown[] } {
    return auth.admin ? { sql: 'TRUE', params: [] } : { sql: `l.user_id = $${param}`, params: [auth.userId] };
  }

  private select(): string {
    return Object.entries(COLUMNS)
      .map(([k, c]) => `${c.sql} AS "${k}"`)
      .join(', ');
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: `The event log by type, code and period (newest first, at most ${LOG_LIMIT})` })
  async log(@Body() body: EventLogFilterDto, @Auth() auth: AuthContext) {
    const v = this.visible(auth, 5);
    const rows = await this.ds.query<Record<string, unknown>[]>(
      `SELECT ${this.select()} FROM ${FROM}
        WHERE ($1::char IS NULL OR l.type = $1) AND ($2::int IS NULL OR l.code = $2)
          AND ($3::timestamptz IS NULL OR l.datetime >= $3) AND ($4::timestamptz IS NULL OR l.datetime < $4) AND ${v.sql}
        ORDER BY l.id DESC LIMIT ${LOG_LIMIT}`,
      [body.type ?? null, body.code ?? null, body.datefrom ?? null, body.dateto ?? null, ...v.params],
    );
    return rows.map(numbers);
  }

  @Post('set')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add an entry (as the caller)' })
  async set(@Body() body: EventLogSetDto, @Auth() auth: AuthContext) {
    await this.events.write({
      type: body.type ?? 'M',
      code: body.code ?? 9000,
      category: 'user',
      text: body.text ?? '',
      userId: auth.userId,
      session: auth.session,
    });
    const [row] = await this.ds.query<Record<string, unknown>[]>(
      `SELECT ${this.select()} FROM ${FROM} WHERE l.user_id = $1 ORDER BY l.id DESC LIMIT 1`,
      [auth.userId],
    );
    return numbers(row);
  }

  @Post('get')
  @HttpCode(200)
  @ApiOperation({ summary: 'One entry' })
  async get(@Body() body: EventLogGetDto, @Auth() auth: AuthContext) {
    const v = this.visible(auth, 2);
    const [row] = await this.ds.query<Record<string, unknown>[]>(`SELECT ${this.select()} FROM ${FROM} WHERE l.id = $1 AND ${v.sql}`, [
      body.id,
      ...v.params,
    ]);
    if (!row) throw new DomainError('NOT_FOUND', `Event log entry ${body.id} not found`);
    return projectFields([numbers(row)], body.fields, Object.keys(COLUMNS))[0];
  }

  @Post('list')
  @HttpCode(200)
  @ApiOperation({ summary: 'The event log by the list query language' })
  @ApiBody({ schema: { type: 'object' } })
  async list(@Body() body: unknown, @Auth() auth: AuthContext) {
    const q = parseListQuery(body, COLUMNS, this.config.list, { orderBy: ['id DESC'] });
    const v = this.visible(auth, 1);
    const c = compileListQuery(q, COLUMNS, { paramStart: 1 + v.params.length });
    const rows = await this.ds.query<Record<string, unknown>[]>(
      `SELECT ${c.select} FROM ${FROM} WHERE ${v.sql}${c.where ? ` AND (${c.where})` : ''} ${c.orderBy ? `ORDER BY ${c.orderBy}` : ''} LIMIT ${c.limit} OFFSET ${c.offset}`,
      [...v.params, ...c.params],
    );
    return rows.map(numbers);
  }
}
