import { Check, Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Area } from './area.entity.js';
import { Interface } from './interface.entity.js';
import { Locale } from './locale.entity.js';

export type UserStatus = 'active' | 'locked' | 'expired';
export type ClientType = 'entity' | 'physical' | 'individual';

/** A user account: login, profile, defaults for new sessions, and the sign-in counters of seed 002's whoami. */
@Entity({ name: 'app_user' })
@Check('ck_app_user_status', "status IN ('active', 'locked', 'expired')")
@Check('ck_app_user_type', "type IN ('entity', 'physical', 'individual')")
@Index('uq_app_user_email', ['email'], { unique: true, where: 'email IS NOT NULL' })
@Index('uq_app_user_phone', ['phone'], { unique: true, where: 'phone IS NOT NULL' })
export class User {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'citext', unique: true })
  username: string;

  /** A stable public id (seed 000's `userId` is a UUID). */
  @Column({ type: 'uuid', unique: true })
  @Generated('uuid')
  uuid: string;

  @Column({ type: 'text' })
  passwordHash: string;

  /**
   * SHA-256 of the user's secret code (seed 002: the password grant's `secret`), a random value the server
   * issues and shows once, so a fast hash suffices and the code can be looked up by itself.
   */
  @Column({ type: 'char', length: 64, nullable: true, unique: true })
  secretCodeHash: string | null;

  /** argon2id hash of the 4-digit PIN the intranet portal issued (seed 001), for the PIN sign-in; null: none. */
  @Column({ type: 'text', nullable: true })
  pinHash: string | null;

  @Column({ type: 'varchar', length: 12, default: 'physical' })
  type: ClientType;

  @Column({ type: 'varchar', length: 300 })
  name: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  shortName: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  familyName: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  givenName: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  patronymicName: string | null;

  @Column({ type: 'citext', nullable: true })
  email: string | null;

  @Column({ type: 'boolean', default: false })
  emailVerified: boolean;

  @Column({ type: 'varchar', length: 30, nullable: true })
  phone: string | null;

  @Column({ type: 'boolean', default: false })
  phoneVerified: boolean;

  @Column({ type: 'integer', default: 0 })
  sessionLimit: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;

  @Column({ type: 'bigint' })
  localeId: string;

  @ManyToOne(() => Locale, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'locale_id' })
  locale?: Relation<Locale>;

  @Column({ type: 'bigint' })
  areaId: string;

  @ManyToOne(() => Area, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'area_id' })
  area?: Relation<Area>;

  @Column({ type: 'bigint' })
  interfaceId: string;

  @ManyToOne(() => Interface, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'interface_id' })
  interface?: Relation<Interface>;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'text', nullable: true })
  picture: string | null;

  @Column({ type: 'jsonb', nullable: true })
  info: Record<string, unknown> | null;

  @Column({ type: 'boolean', default: false })
  passwordChange: boolean;

  @Column({ type: 'boolean', default: false })
  passwordNotChange: boolean;

  @Column({ type: 'boolean', default: false })
  system: boolean;

  @Column({ type: 'varchar', length: 10, default: 'active' })
  status: UserStatus;

  @Column({ type: 'timestamptz', nullable: true })
  lockDate: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  expiryDate: Date | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  lcIp: string | null;

  @Column({ type: 'integer', default: 0 })
  inputCount: number;

  @Column({ type: 'timestamptz', nullable: true })
  inputLast: Date | null;

  @Column({ type: 'integer', default: 0 })
  inputError: number;

  @Column({ type: 'timestamptz', nullable: true })
  inputErrorLast: Date | null;

  @Column({ type: 'integer', default: 0 })
  inputErrorAll: number;
}
