import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsOptional, ValidateBy } from 'class-validator';
import { numericId } from '../../common/validation/numeric-id.js';
import { PORTAL_EVENT_TYPES, type PortalEventType } from './entities/portal-notification.entity.js';
import {
  oneOf,
  optionalAll,
  optionalSessionId,
  optionalText,
  portalIds,
  PUSH_DATA_MAX,
  pushData,
  requiredDatetime,
  requiredEmail,
  requiredLongText,
  requiredPin,
  requiredText,
  Rule,
} from './callbacks.rules.js';

/** Lengths of the portal's identifiers (1C ids are GUIDs; personnel numbers are short). */
export const PORTAL_ID_MAX = 100;
export const TAB_NO_MAX = 50;

/** seed 001 `POST /api/v1/callback/pin/update`: the PIN the portal generated at a person's registration. */
export class PinUpdateDto {
  @ApiProperty({
    description: 'Id of the person in transit_1c_PhPerson (the portal’s id of the user)',
    example: '381004a1-d925-11e8-9126-00155d640b22',
    maxLength: PORTAL_ID_MAX,
  })
  @Rule(requiredText('id_phperson', PORTAL_ID_MAX))
  id_phperson: string;

  @ApiProperty({
    description: 'Personnel number in transit_1c_employee (the PIN sign-in’s login)',
    example: '00-0001234',
    maxLength: TAB_NO_MAX,
  })
  @Rule(requiredText('tab_no', TAB_NO_MAX))
  tab_no: string;

  @ApiProperty({ description: 'The user’s e-mail (also a login of the PIN sign-in)', example: 'ivanov@osnova.ru' })
  @Rule(requiredEmail('ad_login'))
  ad_login: string;

  @ApiProperty({
    description: 'The 4-digit PIN: a string of four digits, or a number 0..9999 (42 is PIN 0042)',
    oneOf: [
      { type: 'string', pattern: '^\\d{4}$' },
      { type: 'integer', minimum: 0, maximum: 9999 },
    ],
    example: '1234',
  })
  @Rule(requiredPin('pin_code'))
  pin_code: string | number;

  @ApiProperty({
    description: 'When the portal created the PIN: YYYY-MM-DD HH:MM:SS (UTC), ISO 8601 or epoch milliseconds',
    example: '2019-11-25 11:43:22',
  })
  @Rule(requiredDatetime('created_at'))
  created_at: string | number;
}

/** seed 001's answer: `{"result": true}`. */
export class CallbackResultDto {
  @ApiProperty({ example: true }) result: boolean;
}

/** seed 001's error envelope: `{"result": false, "error": "..."}`; validation (422): `{"result": false, "<field>": ["..."]}`. */
export class CallbackErrorDto {
  @ApiProperty({ example: false }) result: boolean;
  @ApiPropertyOptional({ example: 'User not found.', description: 'What went wrong (every error but validation)' }) error?: string;
}

/** A PIN sign-in: the personnel number or the e-mail the portal registered, and the PIN. */
export class PinSignInDto {
  @ApiPropertyOptional({ description: 'Personnel number (tab_no of pin/update)', example: '00-0001234' })
  @Rule(optionalText('tab_no', TAB_NO_MAX))
  tab_no?: string;

  @ApiPropertyOptional({ description: 'E-mail (ad_login of pin/update)', example: 'ivanov@osnova.ru' })
  @Rule(optionalText('email', 254))
  email?: string;

  @ApiProperty({ description: 'The 4-digit PIN', example: '1234' })
  @Rule(requiredPin('pin'))
  pin: string | number;
}

export class PinSignInResponseDto {
  @ApiProperty({ example: '149d2ae6fa3f82eda21f7dba21824f199d508343' }) session: string;
  @ApiProperty({ description: 'One-time authorization code, exchangeable at /oauth2/token' }) code: string;
  @ApiProperty({ description: 'Key for HMAC-SHA256 request signatures' }) secret: string;
}

/** Most users one push may address. */
export const PUSH_USERS_MAX = 5000;

/** seed 001 `POST /api/v1/callback/portal/push/events`. */
export class PushEventDto {
  @ApiProperty({
    description: `The portal's object; \`id\` (with \`type\`) identifies the event, so a retry is not stored twice. At most ${PUSH_DATA_MAX} characters as JSON`,
    example: { id: '5dd52390673cf700567e1d72' },
    type: 'object',
    additionalProperties: true,
    properties: { id: { oneOf: [{ type: 'string', maxLength: 100 }, { type: 'integer' }] } },
    required: ['id'],
  })
  @Rule(pushData('data'))
  data: Record<string, unknown> & { id: string | number };

  @ApiProperty({ enum: PORTAL_EVENT_TYPES, example: 'kip_new' })
  @Rule(oneOf('type', PORTAL_EVENT_TYPES))
  type: PortalEventType;

  @ApiProperty({ example: 'Создана новая задача КИП', maxLength: 500 })
  @Rule(requiredLongText('title', 500))
  title: string;

  @ApiProperty({ example: 'Стыковка с международной космической лунной станцией.', maxLength: 10_000 })
  @Rule(requiredLongText('message', 10_000))
  message: string;

  @ApiProperty({
    description: `Portal ids of the addressees (id_phperson), 1..${PUSH_USERS_MAX}`,
    type: [String],
    example: ['381004a1-d925-11e8-9126-00155d640b22'],
  })
  @Rule(portalIds('users', PUSH_USERS_MAX))
  users: string[];
}

export class PushEventResultDto {
  @ApiProperty({ example: true }) result: boolean;
  @ApiPropertyOptional({
    description: 'Addressees the service does not know (no pin/update yet): not an error, only reported; absent when there are none',
    type: [String],
  })
  unknown_users?: string[];
}

/** `POST /api/v1/notification/set`: mark the caller's notifications read (or unread again). */
export class NotificationSetDto {
  @ApiProperty({
    description: 'Notification ids (one, or up to 1000)',
    oneOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' } }],
    example: [1, 2],
  })
  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value.map((v) => numericId(v) ?? v) : [numericId(value) ?? value]))
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateBy({
    name: 'numericIds',
    validator: {
      validate: (v: unknown) => Array.isArray(v) && v.every((id) => typeof id === 'string' && numericId(id) === id),
      defaultMessage: () => 'id must be a positive integer id or an array of them',
    },
  })
  id: string[];

  @ApiPropertyOptional({ description: 'true (default): read; false: unread again', default: true })
  @IsOptional()
  @IsBoolean()
  read?: boolean;
}

export class NotificationSetResultDto {
  @ApiProperty({ description: 'How many of the caller’s notifications changed', example: 2 }) updated: number;
}

/** The person of `/api/v1/callback/sessions/<id_phperson>`. */
export class PersonParamDto {
  @ApiProperty({
    description: 'The portal’s id of the person (id_phperson of pin/update)',
    example: '381004a1-d925-11e8-9126-00155d640b22',
  })
  @Rule(requiredText('id_phperson', PORTAL_ID_MAX))
  id_phperson: string;
}

/** `DELETE /api/v1/callback/sessions/<id_phperson>?session_id=<id>` or `?all=1`. */
export class SessionsDeleteQueryDto {
  @ApiPropertyOptional({ description: 'The session to close (an id from the GET list)', example: '10036' })
  @Rule(optionalSessionId)
  session_id?: string;

  @ApiPropertyOptional({ description: '1: close every session of the person', enum: ['1'] })
  @Rule(optionalAll)
  all?: string;
}

/** One session as seed 001 lists it; times `YYYY-MM-DD HH:MM:SS`, UTC. */
export class PortalSessionDto {
  @ApiProperty({ example: 10036 }) id: number;
  @ApiProperty({
    example: 'Android; 9; google; Android SDK built for x86_64; Handset; Is Emulator; App Version: 0.7.3;',
    nullable: true,
    type: String,
  })
  user_agent: string | null;
  @ApiProperty({ example: '192.168.1.74', nullable: true, type: String }) ip_address: string | null;
  @ApiProperty({ example: '2019-11-25 20:23:00', description: 'Usable until then unless used again (idle deadline)' })
  access_expire_at: string;
  @ApiProperty({ example: '2019-12-09 14:23:00', description: 'Ends then, used or not' }) refresh_expire_at: string;
  @ApiProperty({ example: '2019-11-25 11:43:22' }) created_at: string;
  @ApiProperty({ example: '2019-11-25 14:23:29' }) updated_at: string;
}

export class PortalSessionsDto {
  @ApiProperty({ example: true }) result: boolean;
  @ApiProperty({ type: [PortalSessionDto] }) data: PortalSessionDto[];
}
