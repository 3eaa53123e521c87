import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiContract } from '../../common/errors/api-contract.js';
import { youngCollector } from '../../common/memory/young-garbage.js';
import { ApiAuthenticated } from '../../common/openapi/swagger.js';
import { Auth, type AuthContext } from '../../common/security/auth-context.js';
import { CompanySessionsQueryDto, ShiftItemDto, ShiftMarkDto, ShiftScanDto, ShiftScanResultDto } from './shift-sessions.dto.js';
import type { ShiftItem } from './shift-sessions.repository.js';
import { ShiftSessionsRepository } from './shift-sessions.repository.js';
import { ShiftSessionsService } from './shift-sessions.service.js';
import { JsonLinesToArray } from './json-lines-array.js';

/** Recording work shifts: begin, end, and the scan of a seed 004 code at an office. */
@ApiTags('sessions-export')
@ApiContract('platform')
@ApiAuthenticated()
@Controller('api/v1/shift')
export class ShiftController {
  constructor(private readonly shifts: ShiftSessionsService) {}

  @Post('scan')
  @HttpCode(200)
  @ApiOperation({ summary: "An office's device scans a user's code: begins their shift, or ends the open one" })
  @ApiOkResponse({ type: ShiftScanResultDto })
  scan(@Auth() auth: AuthContext, @Body() body: ShiftScanDto) {
    return this.shifts.scan(auth, body.code, body.office);
  }

  @Post('begin')
  @HttpCode(200)
  @ApiOperation({ summary: "Begins the caller's shift at an office (or, with a code, that user's)" })
  @ApiOkResponse({ type: ShiftItemDto })
  begin(@Auth() auth: AuthContext, @Body() body: ShiftMarkDto) {
    return this.shifts.begin(auth, body.office, body.code);
  }

  @Post('end')
  @HttpCode(200)
  @ApiOperation({ summary: "Ends the caller's open shift at an office (or, with a code, that user's)" })
  @ApiOkResponse({ type: ShiftItemDto })
  end(@Auth() auth: AuthContext, @Body() body: ShiftMarkDto) {
    return this.shifts.end(auth, body.office, body.code);
  }
}

const CSV_COLUMNS: (keyof ShiftItem)[] = [
  'sessionId',
  'userId',
  'firstName',
  'lastName',
  'middleName',
  'begOffice',
  'endOffice',
  'begTime',
  'endTime',
];
/** A JSON export frees the socket reads it passed on every 2 MB (common/memory: 20-30 MB less peak RSS). */
const EXPORT_SCAVENGE_BYTES = 2 * 2 ** 20;

const csvCell = (v: string | null) => (v === null ? '' : /[",\r\n;]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * Seed 000 `GET/POST /api/CompanySessions/` with `Authorization: <JWT of /account/generatetoken>` (bare or Bearer):
 * the shifts begun in the period, streamed as a JSON array from COPY (or as CSV from a cursor with `Accept: text/csv`).
 */
@ApiTags('sessions-export')
@ApiContract('legacy')
@Controller('api/CompanySessions')
export class CompanySessionsController {
  constructor(
    private readonly shifts: ShiftSessionsService,
    private readonly repo: ShiftSessionsRepository,
  ) {}

  @Get()
  @ApiBearerAuth()
  @ApiHeader({ name: 'Authorization', description: 'The token of POST /account/generatetoken, bare or as "Bearer <token>"' })
  @ApiProduces('application/json', 'text/csv')
  @ApiOperation({ summary: 'Seed 000: work sessions of the period (default: the last seven days), by office names' })
  @ApiOkResponse({ type: [ShiftItemDto] })
  @ApiForbiddenResponse({ description: 'Not a manager or administrator' })
  async get(@Auth() auth: AuthContext, @Query() query: CompanySessionsQueryDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.export(auth, query, req, res);
  }

  @Post()
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiProduces('application/json', 'text/csv')
  @ApiOperation({ summary: 'Seed 000: as GET; the parameters in the query string or the body' })
  @ApiOkResponse({ type: [ShiftItemDto] })
  async post(
    @Auth() auth: AuthContext,
    @Query() query: CompanySessionsQueryDto,
    @Body() body: CompanySessionsQueryDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.export(auth, { ...body, ...query }, req, res);
  }

  private async export(auth: AuthContext, p: CompanySessionsQueryDto, req: Request, res: Response): Promise<void> {
    this.shifts.assertExporter(auth);
    const q = await this.shifts.exportQuery(auth, p.begTime, p.endTime, p.officeId);
    const csv = req.accepts(['application/json', 'text/csv']) === 'text/csv';
    // JSON: PostgreSQL writes each item's JSON text and COPY streams the lines; Node only joins them into an
    // array, byte by byte. CSV: rows from a cursor, written here (see docs/shifts.md for why not COPY's CSV).
    const [source, format] = csv
      ? [await this.repo.exportStream(q), csvRows()]
      : [await this.repo.exportJsonLines(q), new JsonLinesToArray(youngCollector(EXPORT_SCAVENGE_BYTES))];
    res.status(200);
    res.setHeader('Cache-Control', 'no-store');
    if (csv) {
      res.type('text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', 'attachment; filename="CompanySessions.csv"');
      res.write(`\uFEFF${CSV_COLUMNS.join(',')}\r\n`);
    } else res.type('application/json; charset=utf-8');
    try {
      await pipeline(source, format, res);
    } catch (err) {
      // Headers are out: a failure mid-stream can only cut the response (the client sees it incomplete).
      req.log?.warn({ err }, 'CompanySessions export stopped');
      res.destroy();
    }
  }
}

/** The cursor's rows as CSV lines (the header is written before). */
function csvRows(): Transform {
  return new Transform({
    writableObjectMode: true,
    transform(row: ShiftItem, _enc, done) {
      done(null, `${CSV_COLUMNS.map((c) => csvCell(row[c])).join(',')}\r\n`);
    },
  });
}
