import { ApiProperty } from '@nestjs/swagger';

export class PingResponseDto {}

export class TimeResponseDto {
  @ApiProperty({ description: 'Server time, epoch milliseconds', example: 1583495795455 })
  serverTime: number;
}

export class LivenessResponseDto {
  @ApiProperty({ example: 'ok' })
  status: 'ok';
}
