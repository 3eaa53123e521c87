import {
  Check,
  Column,
  Entity,
  Exclusion,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import type { LocalizedText } from '../../../common/i18n/language.js';
import { ObjectType } from '../../objects-workflow/entities/class.entity.js';
import { PlatformObject } from '../../objects-workflow/entities/object.entity.js';

/**
 * A file of an object (seed 002 "Файлы объекта"): keyed by its name on the server, which includes its path.
 * The content, when given, is kept here (so the embedded database and N instances need nothing else), with the
 * SHA-256 the server computed and the media type sniffed from it; a file without content is a link to a path.
 * Dropping the object removes its files (cascade).
 */
@Entity({ name: 'object_file' })
@Check('ck_object_file_size', `"size" > 0`)
export class ObjectFile {
  @PrimaryColumn({ type: 'bigint' })
  objectId: string;

  @ManyToOne(() => PlatformObject, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'object_id' })
  object?: Relation<PlatformObject>;

  @PrimaryColumn({ type: 'varchar', length: 1000 })
  name: string;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  path: string | null;

  @Column({ type: 'bigint' })
  size: string;

  /** The file's own date and time (the client's), not when it was stored. */
  @Column({ type: 'timestamptz', nullable: true })
  date: Date | null;

  /** SHA-256 (hex) of the content when there is content; else the hash the client gave for the linked file. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  hash: string | null;

  @Column({ type: 'bytea', nullable: true })
  content: Buffer | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  mediaType: string | null;

  /** When it was written: the session's oper_date, or now. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated: Date;
}

/** The kinds of an object's data (seed 002 "Данные объекта"): text, json, xml. */
@Entity({ name: 'object_data_type' })
export class ObjectDataType {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'varchar', length: 10, unique: true })
  code: string;

  @Column({ type: 'jsonb' })
  name: LocalizedText;
}

/** Data of an object under a (type, code); setting it null deletes it. Dropping the object removes it. */
@Entity({ name: 'object_data' })
export class ObjectData {
  @PrimaryColumn({ type: 'bigint' })
  objectId: string;

  @ManyToOne(() => PlatformObject, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'object_id' })
  object?: Relation<PlatformObject>;

  @PrimaryColumn({ type: 'bigint' })
  typeId: string;

  @ManyToOne(() => ObjectDataType, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'type_id' })
  type?: Relation<ObjectDataType>;

  @PrimaryColumn({ type: 'varchar', length: 100 })
  code: string;

  @Column({ type: 'text' })
  data: string;

  /** When it was written: the session's oper_date, or now. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated: Date;
}

/**
 * The geolocation history of an object (seed 002 "Геолокация объекта"): every set appends a point dated with
 * the session's oper_date (or now); a read takes, per code, the latest point at or before its date.
 */
@Entity({ name: 'object_geolocation' })
@Index('ix_object_geolocation_history', ['objectId', 'code', 'date', 'id'])
@Check('ck_object_geolocation_latitude', `"latitude" BETWEEN -90 AND 90`)
@Check('ck_object_geolocation_longitude', `"longitude" BETWEEN -180 AND 180`)
export class ObjectGeolocation {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'bigint' })
  objectId: string;

  @ManyToOne(() => PlatformObject, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'object_id' })
  object?: Relation<PlatformObject>;

  @Column({ type: 'varchar', length: 30, default: 'default' })
  code: string;

  @Column({ type: 'double precision' })
  latitude: number;

  @Column({ type: 'double precision' })
  longitude: number;

  @Column({ type: 'double precision', nullable: true })
  accuracy: number | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  label: string | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  description: string | null;

  /** When the point was added: the session's oper_date, or now. */
  @Column({ type: 'timestamptz' })
  date: Date;
}

/**
 * An object's address links (seed 002 "Адрес объекта"): an address object linked from `valid_from` to
 * `valid_to` ('infinity' while in force) under an address type (post, actual, legal...). Like object states, a
 * temporal history: the exclusion constraint keeps one link in force per (object, address type) at any instant.
 * Dropping the object, or the address, removes its links.
 */
@Entity({ name: 'object_address' })
@Exclusion('ex_object_address_overlap', 'USING gist ("object_id" WITH =, "type_id" WITH =, tstzrange("valid_from", "valid_to") WITH &&)')
@Index('ix_object_address_address', ['addressId'])
export class ObjectAddress {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'bigint' })
  objectId: string;

  @ManyToOne(() => PlatformObject, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'object_id' })
  object?: Relation<PlatformObject>;

  /** The address object (essence `address`). */
  @Column({ type: 'bigint' })
  addressId: string;

  @ManyToOne(() => PlatformObject, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'address_id' })
  address?: Relation<PlatformObject>;

  /** The address type (an `object_type` of the address class): the address object's type when linked. */
  @Column({ type: 'bigint' })
  typeId: string;

  @ManyToOne(() => ObjectType, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'type_id' })
  type?: Relation<ObjectType>;

  @Column({ type: 'timestamptz' })
  validFrom: Date;

  @Column({ type: 'timestamptz', default: () => "'infinity'" })
  validTo: Date;
}
