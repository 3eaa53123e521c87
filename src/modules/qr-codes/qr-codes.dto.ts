import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';

/**
 * `GET /api/getUser?code=` and `POST /api/getUser {"code"}`. The code is checked by the service, so that each
 * case gets the seed's own error (101 none, 102 unknown, 1 not a string) rather than a validation error.
 */
export class GetUserDto {
  @ApiPropertyOptional({ description: 'The code of the QR code (GET /api/qr)', example: 'Xq3v0bZkQm1sN8pT2rW5yA7cE9gI4kLo' })
  @IsOptional()
  code?: unknown;
}

export class QrCodeResponseDto {
  @ApiProperty({ example: 'Xq3v0bZkQm1sN8pT2rW5yA7cE9gI4kLo', description: 'The code (192 random-looking bits, URL-safe)' })
  code: string;

  @ApiProperty({ example: 1676756720, description: 'Start of validity, epoch seconds (may be ahead of now: the next code)' })
  time_start: number;

  @ApiProperty({ example: 1676757020, description: 'End of validity, epoch seconds' })
  time_expire: number;
}

export class GetUserResponseDto {
  @ApiProperty({ example: 'ivanov', description: 'The login' })
  username: string;

  @ApiProperty({ example: 'Иванов Иван Иванович', description: 'Full name' })
  fullname: string;

  @ApiProperty({
    example: { manager: true },
    description: "The user's groups other than `user`, each as `<group code>: true`; `{}` when none",
    type: 'object',
    additionalProperties: { type: 'boolean' },
  })
  permissions: Record<string, boolean>;
}

export class QrErrorDto {
  @ApiProperty({
    example: 102,
    description: '1 unknown, 10 user not found or locked, 101 no code, 102 unknown code, 103 not yet valid, 104 expired',
  })
  error: number;

  @ApiProperty({ example: 'Код отсутствует в базе данных' })
  error_msg: string;
}
