import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Area } from './area.entity.js';
import { Interface } from './interface.entity.js';
import { Locale } from './locale.entity.js';
import { User } from './user.entity.js';

/**
 * A signed-in session: every way in (sign/in, OAuth grants, legacy logins) ends in one. `code` (40 hex) is the
 * seed's session key; `secret` keys its HMAC request signatures, so it is kept as issued. A session is usable
 * until `access_expires` (an idle deadline, moved on by use and by refresh) and never after `refresh_expires`.
 */
@Entity({ name: 'session' })
@Index('ix_session_user_open', ['userId', 'created'], { where: 'closed IS NULL' })
@Index('uq_session_reuse_open', ['reuseKey'], { unique: true, where: 'closed IS NULL' })
export class Session {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'char', length: 40, unique: true })
  code: string;

  @Column({ type: 'varchar', length: 100 })
  secret: string;

  @Column({ type: 'bigint' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Column({ type: 'varchar', length: 100, nullable: true })
  clientId: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  agent: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  host: string | null;

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

  @Column({ type: 'timestamptz', nullable: true })
  operDate: Date | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated: Date;

  @Column({ type: 'timestamptz', nullable: true })
  closed: Date | null;

  @Column({ type: 'timestamptz' })
  accessExpires: Date;

  @Column({ type: 'timestamptz' })
  refreshExpires: Date;

  /**
   * Set on sessions that are reused rather than opened per sign-in: HTTP Basic on the API (one per user and
   * client address) and a client's service account (one per client). SHA-256 of what identifies the reuse;
   * at most one open session per key.
   */
  @Column({ type: 'char', length: 64, nullable: true })
  reuseKey: string | null;
}
