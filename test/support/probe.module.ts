import { Body, Controller, Get, Module, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { ApiContract, type ApiContractName } from '../../src/common/errors/api-contract.js';
import { DomainError } from '../../src/common/errors/domain-error.js';
import { Public } from '../../src/common/security/auth-context.js';

/** A DTO with a few rules, to see validation errors rendered by each contract. */
export class ProbeDto {
  @IsString()
  @MaxLength(10)
  name: string;

  @IsInt()
  @Min(1)
  @Max(5)
  count: number;
}

/** Test-only routes, one controller per contract, exercising the error mechanism end to end. */
function probeController(path: string, contract: ApiContractName) {
  @ApiContract(contract)
  @Public()
  @Controller(path)
  class ProbeController {
    constructor(readonly ds: DataSource) {}

    @Post('echo')
    echo(@Body() body: ProbeDto) {
      return { received: body };
    }

    @Post('raw')
    raw(@Body() body: unknown) {
      return { body };
    }

    @Post('raw-bytes')
    rawBytes(@Req() req: Request) {
      return { raw: req.rawBody?.toString('utf8') ?? null };
    }

    @Get('domain-error')
    domainError(): never {
      throw new DomainError('NOT_FOUND', 'No such thing', { contractCode: contract === 'qr' ? 10 : undefined });
    }

    @Get('crash')
    crash(): never {
      throw new Error('secret detail: password=hunter2');
    }

    /** A statement that fails with a secret among its bound parameters (and quoted in PostgreSQL's message). */
    @Post('db-crash')
    async dbCrash(@Body() body: Record<string, unknown>) {
      return this.ds.query(`SELECT $1::int AS n`, [String(body.secret)]);
    }
  }
  return ProbeController;
}

@Module({
  controllers: [
    probeController('api/v1/probe', 'platform'),
    probeController('api/v1/callback/probe', 'callback'),
    probeController('api/probe-qr', 'qr'),
    probeController('oauth2/probe', 'oauth'),
    probeController('api/v1.0/probe', 'legacy'),
  ],
})
export class ProbeModule {}
