import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsTimestamp } from '../../common/validation/dates.js';
import { IsNumericId } from '../../common/validation/numeric-id.js';

const LOGIN = { minLength: 1, maxLength: 100 };

export class SignInDto {
  @ApiPropertyOptional({ description: 'User name (login)', example: 'user' })
  @IsOptional()
  @IsString()
  @MinLength(LOGIN.minLength)
  @MaxLength(LOGIN.maxLength)
  username?: string;

  @ApiPropertyOptional({ description: 'Phone', example: '+79001234567' })
  @IsOptional()
  @IsString()
  @MaxLength(30)
  phone?: string;

  @ApiPropertyOptional({ description: 'Email', example: 'user@example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string;

  @ApiProperty({ example: 'user' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password: string;

  @ApiPropertyOptional({ description: 'Ignored: taken from the request' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  agent?: string;

  @ApiPropertyOptional({ description: 'Ignored: taken from the request' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  host?: string;
}

export class SignInResponseDto {
  @ApiProperty({ example: '149d2ae6fa3f82eda21f7dba21824f199d508343' }) session: string;
  @ApiProperty({ description: 'One-time authorization code, exchangeable at /oauth2/token' }) code: string;
  @ApiProperty({ description: 'Key for HMAC-SHA256 request signatures' }) secret: string;
}

export class SignOutDto {
  @ApiPropertyOptional({ description: 'Session code (default: the current session)' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-f]{40}$/)
  session?: string;

  @ApiPropertyOptional({ description: 'Close every open session of the user' })
  @IsOptional()
  @Type(() => Boolean)
  @IsBoolean()
  close_all?: boolean;
}

export class AuthenticateDto {
  @ApiProperty()
  @IsString()
  @Matches(/^[0-9a-f]{40}$/)
  session: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  secret: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  agent?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  host?: string;
}

export class AuthorizeDto {
  @ApiProperty()
  @IsString()
  @MaxLength(100)
  session: string;
}

export class NameDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(300) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) short?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) first?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) last?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) middle?: string;
}

export class SignUpDto {
  @ApiPropertyOptional({ enum: ['entity', 'physical', 'individual'], default: 'physical' })
  @IsOptional()
  @IsIn(['entity', 'physical', 'individual'])
  type?: 'entity' | 'physical' | 'individual';

  @ApiPropertyOptional({ description: 'The login; default: the email' })
  @IsOptional()
  @IsString()
  @Matches(/^[\p{L}\p{N}._@+-]{1,100}$/u, { message: 'username must be 1-100 letters, digits or ._@+-' })
  username?: string;

  @ApiPropertyOptional({ description: 'At least PASSWORD_MIN_LENGTH (8) characters; default: generated and answered once' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  password?: string;

  @ApiPropertyOptional({ type: NameDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => NameDto)
  name?: NameDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(30)
  @Matches(/^$|^\+?[0-9 ()-]{5,30}$/, { message: 'phone must be a phone number' })
  phone?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(254)
  @Matches(/^$|^[^\s@]{1,64}@[^\s@]{1,189}$/, { message: 'email must be an email address' })
  email?: string;

  @ApiPropertyOptional({ type: Object })
  @IsOptional()
  @IsObject()
  info?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;
}

export class SignUpResponseDto {
  @ApiProperty({ description: 'Id of the client document created with the account' }) id: number;
  @ApiProperty({ description: 'Id of the user account' }) userid: number;
  @ApiPropertyOptional({ description: 'The generated password, when none was given (shown this once)' }) password?: string;
}

export class RefDto {
  @ApiPropertyOptional({ description: 'Id; wins over code', example: 1 })
  @IsOptional()
  @IsNumericId('id')
  id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(50)
  code?: string;
}

export class OperDateDto {
  @ApiProperty({
    nullable: true,
    oneOf: [
      { type: 'integer', description: 'epoch milliseconds' },
      { type: 'string', format: 'date-time' },
    ],
    example: 1_589_998_352_818,
    description: 'Archive date (epoch ms, ISO 8601 or dd.mm.yyyy[ hh:mm[:ss]]); null (in a form: empty or `null`) returns to now',
  })
  @IsOptional()
  @IsTimestamp('oper_date', { nullable: true })
  oper_date: Date | null;
}

export class AuthorizeResponseDto {
  @ApiProperty() authorized: boolean;
  @ApiProperty() message: string;
}

export class LegacyLoginDto {
  @ApiProperty({ example: 'user@example.com' })
  @IsString()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password: string;
}

export class GenerateTokenDto {
  @ApiProperty({ description: 'Email of the user' })
  @IsString()
  @IsEmail()
  @MaxLength(254)
  username: string;

  @ApiProperty({ description: 'Password' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  pswd: string;
}

export class SecretCodeDto {
  @ApiPropertyOptional({ description: 'Whose code (administrators only); the caller by default', example: 1 })
  @IsOptional()
  @IsNumericId('userid')
  userid?: string;
}

export class SecretCodeResponseDto {
  @ApiProperty({ description: 'The new secret code, shown once: the password grant accepts it as `secret`' }) secret: string;
}

export class SessionIdDto {
  @ApiProperty({ example: 1, description: 'Session id' })
  @IsNumericId('id')
  id: string;
}

export class SessionGetDto extends SessionIdDto {
  @ApiPropertyOptional({ type: [String], description: 'Fields to answer (default: all)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  fields?: string[];
}

/** Seed 002's list body (see docs/list-query.md), documented; the list query parser validates it. */
export class SessionListDto {
  @ApiPropertyOptional({ type: [String], example: ['id', 'username', 'created'] }) fields?: string[];
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    description: 'Conditions: {condition, field, compare, value, valarr, lstr, rstr}',
    example: [
      { field: 'userid', compare: 'EQL', value: '1004', condition: 'OR', lstr: '(' },
      { field: 'userid', compare: 'EQL', value: '1010', condition: 'OR', rstr: ')' },
      { field: 'created', compare: 'LSS', value: '12.08.2020' },
    ],
  })
  search?: unknown[];
  @ApiPropertyOptional({ type: Object, description: 'field = value pairs, ANDed' }) filter?: Record<string, unknown>;
  @ApiPropertyOptional({ type: [String], example: ['created DESC'] }) orderby?: string[];
  @ApiPropertyOptional({ example: 50 }) reclimit?: number;
  @ApiPropertyOptional({ example: 0 }) recoffset?: number;
}
