import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { PlatformReference } from './object.entity.js';

/**
 * An office (seed 000's stations, АЗС: `officeId` is a list of their names), a reference: its time zone (shift
 * times are exported in the office's local time) and the OAuth client of the device that scans codes there.
 */
@Entity({ name: 'office' })
export class Office {
  @PrimaryColumn({ type: 'bigint' })
  id: string;

  @OneToOne(() => PlatformReference, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'id' })
  reference?: Relation<PlatformReference>;

  /** IANA time zone name. */
  @Column({ type: 'varchar', length: 64, default: 'Europe/Moscow' })
  timeZone: string;

  /** client_id of the device bound to this office (its client_credentials token may scan here). */
  @Column({ type: 'varchar', length: 100, nullable: true, unique: true })
  deviceClient: string | null;
}
