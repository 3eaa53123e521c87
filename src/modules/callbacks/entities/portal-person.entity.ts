import { Column, Entity, JoinColumn, OneToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { User } from '../../auth/entities/user.entity.js';

/**
 * A person of the intranet portal (seed 001) and the user account it signs in with: `id_phperson` (the portal's
 * id, transit_1c_PhPerson) identifies the person, `tab_no` (the personnel number) and `ad_login` (the e-mail)
 * are what the PIN sign-in finds the person by.
 */
@Entity({ name: 'portal_person' })
export class PortalPerson {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'varchar', length: 100, unique: true })
  idPhperson: string;

  /** One person per user (the one-to-one relation makes it unique). */
  @Column({ type: 'bigint' })
  userId: string;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Column({ type: 'varchar', length: 50, unique: true })
  tabNo: string;

  @Column({ type: 'citext', unique: true })
  adLogin: string;

  /** When the portal created the current PIN (`created_at` of pin/update). */
  @Column({ type: 'timestamptz' })
  pinCreated: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated: Date;
}
