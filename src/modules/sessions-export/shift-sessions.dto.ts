import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class ShiftScanDto {
  @ApiProperty({ description: "The user's seed 004 code (GET /api/qr)" })
  @IsOptional()
  code?: unknown;

  @ApiProperty({ description: 'The office code', example: 'azs-1' })
  @IsString()
  @MaxLength(100)
  @Matches(/^\S(.*\S)?$/)
  office: string;
}

export class ShiftMarkDto {
  @ApiProperty({ description: 'The office code', example: 'azs-1' })
  @IsString()
  @MaxLength(100)
  @Matches(/^\S(.*\S)?$/)
  office: string;

  @ApiPropertyOptional({ description: "Another user's seed 004 code (managers, administrators, the office's device); none: the caller" })
  @IsOptional()
  code?: unknown;
}

/** Seed 000's query parameters (also accepted in a POST body). */
export class CompanySessionsQueryDto {
  @ApiPropertyOptional({ description: 'First day, yyyyMMdd (default: six days before endTime)', example: '20180817' })
  @IsOptional()
  begTime?: unknown;

  @ApiPropertyOptional({ description: 'Last day, inclusive, yyyyMMdd (default: today)', example: '20180817' })
  @IsOptional()
  endTime?: unknown;

  @ApiPropertyOptional({
    description: 'Office names: repeated (officeId=A&officeId=B) or a JSON array (officeId=["A","B"])',
    type: [String],
    example: ['Офис 1'],
  })
  @IsOptional()
  officeId?: unknown;
}

export class ShiftItemDto {
  @ApiProperty({ example: 'b140448e-8440-4305-e0d3-08d60449ab68' }) sessionId: string;
  @ApiProperty({ example: '7f46106c-e014-444d-9982-65cd3f502d71' }) userId: string;
  @ApiProperty({ example: 'Иван', nullable: true, type: String }) firstName: string | null;
  @ApiProperty({ example: 'Иванов', nullable: true, type: String }) lastName: string | null;
  @ApiProperty({ example: 'Иванович', nullable: true, type: String }) middleName: string | null;
  @ApiProperty({ example: 'Офис 1' }) begOffice: string;
  @ApiProperty({ example: 'Офис 1', nullable: true, type: String }) endOffice: string | null;
  @ApiProperty({ example: '2018-08-17T13:59:37.430936', description: "The office's local time, no offset" }) begTime: string;
  @ApiProperty({ example: '2018-08-17T14:01:06.540869', nullable: true, type: String, description: 'null while open' })
  endTime: string | null;
}

export class ShiftScanResultDto {
  @ApiProperty({ enum: ['begin', 'end', 'none'], description: 'none: the same scan again within SHIFT_SCAN_REPEAT_SECONDS' })
  action: string;

  @ApiProperty({ type: ShiftItemDto }) shift: ShiftItemDto;
}
