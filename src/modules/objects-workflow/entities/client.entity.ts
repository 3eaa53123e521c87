import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { PlatformDocument } from './object.entity.js';

/** Seed 002's client document (class table `client`): a company or a person, optionally with a user account. */
@Entity({ name: 'client' })
@Index('ix_client_lastname', ['lastname'])
@Index('ix_client_fullname', ['fullname'])
export class Client {
  @PrimaryColumn({ type: 'bigint' })
  id: string;

  @OneToOne(() => PlatformDocument, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'id' })
  document?: Relation<PlatformDocument>;

  @Column({ type: 'varchar', length: 100, unique: true })
  code: string;

  @Column({ type: 'bigint', nullable: true, unique: true })
  userId: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  fullname: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  shortname: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  lastname: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  firstname: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  middlename: string | null;

  @Column({ type: 'date', nullable: true })
  birthday: string | null;

  @Column({ type: 'jsonb', nullable: true })
  phone: unknown;

  @Column({ type: 'jsonb', nullable: true })
  email: unknown;

  @Column({ type: 'jsonb', nullable: true })
  info: unknown;

  @Column({ type: 'bigint', nullable: true })
  localeId: string | null;
}
