import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { PlatformReference } from './object.entity.js';

/** The calendar of working days (a reference): its week pattern and dates that differ from it. */
@Entity({ name: 'calendar' })
export class Calendar {
  @PrimaryColumn({ type: 'bigint' })
  id: string;

  @OneToOne(() => PlatformReference, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'id' })
  reference?: Relation<PlatformReference>;

  /** ISO weekdays that are working days (1 = Monday). */
  @Column({ type: 'smallint', array: true, default: () => "'{1,2,3,4,5}'" })
  workDays: number[];

  /** Working hours of a day, as `HH:MM-HH:MM`. */
  @Column({ type: 'varchar', length: 11, default: '09:00-18:00' })
  workHours: string;
}
