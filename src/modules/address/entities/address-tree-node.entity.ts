import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One node of the KLADR address tree: a current place (country, region, district, city, settlement) or street,
 * keyed by its 17-digit code `ФФ СС РРР ГГГ ППП УУУУ`. `id` is the code read as a number (stable across
 * releases); `parent` is the id of the previous non-zero segment's node (kladr-code.ts). The importer replaces
 * the whole table at once (kladr-import.repository.ts), so it has no foreign keys in or out.
 *
 * The trigram index `ix_address_tree_name_trgm` (GIN, pg_trgm) keeps `name LIKE '%моск%'` fast; TypeORM cannot
 * describe an operator class, so the migration owns it and the entity only names it (synchronize: false).
 */
@Entity({ name: 'address_tree' })
@Index('ux_address_tree_code', ['code'], { unique: true })
@Index('ix_address_tree_parent', ['parent', 'id'])
@Index('ix_address_tree_name_trgm', { synchronize: false })
export class AddressTreeNode {
  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_address_tree' })
  id: string;

  @Column({ type: 'bigint', nullable: true })
  parent: string | null;

  /** Digits only, so the C collation makes `LIKE '0177%'` an index range. */
  @Column({ type: 'varchar', length: 17, collation: 'C' })
  code: string;

  @Column({ type: 'varchar', length: 40 })
  name: string;

  /** The abbreviation as the files write it (`ул`, `г`, `р-н`). */
  @Column({ type: 'varchar', length: 10, nullable: true })
  short: string | null;

  /** Its full form from SOCRBASE.DBF for the node's level (`Улица`, `Город`). */
  @Column({ type: 'varchar', length: 29, nullable: true })
  typename: string | null;

  @Column({ type: 'smallint' })
  level: number;

  /** Postal index (6 digits). */
  @Column({ type: 'varchar', length: 6, nullable: true })
  index: string | null;

  /** OKATO code (11 digits). */
  @Column({ type: 'varchar', length: 11, nullable: true })
  okato: string | null;

  /** The release (the date in KLADR.DBF's header) the node came from. */
  @Column({ type: 'date' })
  release: string;
}
