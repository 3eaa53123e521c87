import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';

export const GRANT_TYPES = ['authorization_code', 'implicit', 'refresh_token', 'password', 'client_credentials'] as const;
export const RESPONSE_TYPES = ['code', 'token', 'code token', 'id_token', 'code id_token'] as const;
export const ID_TOKEN_ALGS = ['RS256', 'ES256'] as const;
const CLIENT_ID = /^[A-Za-z0-9._-]{3,100}$/;
/** RFC 6749 scope: space-separated tokens of printable ASCII without `"` and `\`. */
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]{1,64}( [\x21\x23-\x5B\x5D-\x7E]{1,64}){0,29}$/;
const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

export class ClientIdDto {
  @ApiProperty()
  @IsString()
  @Matches(CLIENT_ID)
  client_id: string;
}

class ClientFieldsDto {
  @ApiPropertyOptional({ type: [String], example: ['https://app.example/callback'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUrl(URL_OPTIONS, { each: true })
  @MaxLength(2000, { each: true })
  redirect_uris?: string[];

  @ApiPropertyOptional({ enum: GRANT_TYPES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(GRANT_TYPES, { each: true })
  grant_types?: (typeof GRANT_TYPES)[number][];

  @ApiPropertyOptional({ enum: RESPONSE_TYPES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(RESPONSE_TYPES, { each: true })
  response_types?: (typeof RESPONSE_TYPES)[number][];

  @ApiPropertyOptional({ example: 'openid profile email offline_access' })
  @IsOptional()
  @IsString()
  @Matches(SCOPE, { message: 'scope must be space-separated scope tokens' })
  scope?: string;

  @ApiPropertyOptional({
    example: 'api',
    description: 'Scopes a request without `scope` gets (a subset of `scope`); default: `api` for first-party clients, none otherwise',
  })
  @IsOptional()
  @IsString()
  @ValidateIf((_, v) => v !== '')
  @Matches(SCOPE, { message: 'default_scope must be space-separated scope tokens' })
  default_scope?: string;

  @ApiPropertyOptional({ enum: ID_TOKEN_ALGS, description: 'How id tokens are signed (default RS256)' })
  @IsOptional()
  @IsIn(ID_TOKEN_ALGS)
  id_token_signed_response_alg?: (typeof ID_TOKEN_ALGS)[number];

  @ApiPropertyOptional({
    description: 'client_credentials also answers a refresh token (default true, as seed 002 shows; RFC 6749 4.4.3 advises against)',
  })
  @IsOptional()
  @IsBoolean()
  client_credentials_refresh?: boolean;

  @ApiPropertyOptional({ description: 'First-party clients skip the consent screen' })
  @IsOptional()
  @IsBoolean()
  first_party?: boolean;

  @ApiPropertyOptional({
    description: 'Its service account may create user accounts (/api/v1/sign/up, client/set with userid): the account_creator group',
  })
  @IsOptional()
  @IsBoolean()
  can_sign_up?: boolean;

  @ApiPropertyOptional({
    description:
      'A secret of your choosing for a confidential client: CLIENT_SECRET_MIN_LENGTH (16) to 200 printable ASCII characters without spaces, stored as its SHA-256. At creation, default: generated and answered once; at update, replaces the secret (not answered)',
    minLength: 16,
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[\x21-\x7E]+$/, { message: 'client_secret must be printable ASCII characters without spaces' })
  client_secret?: string;
}

export class CreateClientDto extends ClientFieldsDto {
  @ApiPropertyOptional({ description: 'Generated when absent' })
  @IsOptional()
  @IsString()
  @Matches(CLIENT_ID)
  client_id?: string;

  @ApiProperty()
  @IsString()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ description: 'A public client has no secret (and must use PKCE)' })
  @IsOptional()
  @IsBoolean()
  public?: boolean;
}

export class UpdateClientDto extends ClientFieldsDto {
  @ApiProperty()
  @IsString()
  @Matches(CLIENT_ID)
  client_id: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}
