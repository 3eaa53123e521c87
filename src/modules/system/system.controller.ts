import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiContract } from '../../common/errors/api-contract.js';
import { Public } from '../../common/security/auth-context.js';
import { PingResponseDto, TimeResponseDto } from './system.dto.js';

const ping = (): Record<string, never> => ({});
const time = (): TimeResponseDto => ({ serverTime: Date.now() });

/**
 * Seed 002, "Тест подключения" and "Проверить время сервера": open to anyone, no state touched.
 * The seed documents GET; seed 002 also lets every endpoint be POSTed, so both verbs are routed.
 */
@ApiTags('system')
@ApiContract('platform')
@Public()
@Controller('api/v1')
export class SystemController {
  @Get('ping')
  @ApiOperation({ summary: 'Test the connection to the REST API' })
  @ApiOkResponse({ type: PingResponseDto, description: 'Always `{}`' })
  getPing() {
    return ping();
  }

  @Post('ping')
  @HttpCode(200)
  @ApiOperation({ summary: 'Test the connection to the REST API' })
  @ApiOkResponse({ type: PingResponseDto, description: 'Always `{}`' })
  postPing() {
    return ping();
  }

  @Get('time')
  @ApiOperation({ summary: 'Server time in epoch milliseconds' })
  @ApiOkResponse({ type: TimeResponseDto })
  getTime() {
    return time();
  }

  @Post('time')
  @HttpCode(200)
  @ApiOperation({ summary: 'Server time in epoch milliseconds' })
  @ApiOkResponse({ type: TimeResponseDto })
  postTime() {
    return time();
  }
}
