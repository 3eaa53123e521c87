import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { PlatformDocument } from './object.entity.js';

/**
 * Seed 002's address document (class table `address`). `code` is the KLADR code `ФФ СС РРР ГГГ ППП УУУУ` the
 * parts were filled from (issue 13); `address` is the full line, built from the parts when not given. House,
 * building, structure and apartment are text ("12А", "3/1") compared in the `natural` collation, so `apartment
 * GEQ 5` finds 5, 12 and 120 (numbers inside the text compare as numbers).
 */
@Entity({ name: 'address' })
@Index('ix_address_code', ['code'])
export class Address {
  @PrimaryColumn({ type: 'bigint' })
  id: string;

  @OneToOne(() => PlatformDocument, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'id' })
  document?: Relation<PlatformDocument>;

  @Column({ type: 'varchar', length: 17, nullable: true })
  code: string | null;

  @Column({ type: 'varchar', length: 6, nullable: true })
  index: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  country: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  region: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  district: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  city: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  settlement: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  street: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true, collation: 'natural' })
  house: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true, collation: 'natural' })
  building: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true, collation: 'natural' })
  structure: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true, collation: 'natural' })
  apartment: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  address: string | null;
}
