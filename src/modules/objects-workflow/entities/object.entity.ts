import {
  Column,
  Entity,
  Exclusion,
  Index,
  JoinColumn,
  ManyToOne,
  OneToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { Area } from '../../auth/entities/area.entity.js';
import { ObjectClass, ObjectType } from './class.entity.js';
import { State } from './state.entity.js';

/**
 * The unit of storage: every business record is an object of a type (hence a class and an essence) in a
 * state. `class_id` repeats the type's class so lists and access filters need no join to find it.
 */
@Entity({ name: 'object' })
@Index('ix_object_class_state', ['classId', 'stateId'])
@Index('ix_object_parent', ['parentId'])
@Index('ix_object_class_created', ['classId', 'created'])
export class PlatformObject {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'bigint', nullable: true })
  parentId: string | null;

  @ManyToOne(() => PlatformObject, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'parent_id' })
  parent?: Relation<PlatformObject>;

  @Column({ type: 'bigint' })
  typeId: string;

  @ManyToOne(() => ObjectType, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'type_id' })
  type?: Relation<ObjectType>;

  @Column({ type: 'bigint' })
  classId: string;

  @ManyToOne(() => ObjectClass, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'class_id' })
  objectClass?: Relation<ObjectClass>;

  @Column({ type: 'bigint' })
  stateId: string;

  @ManyToOne(() => State, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'state_id' })
  state?: Relation<State>;

  @Column({ type: 'bigint', nullable: true })
  ownerId: string | null;

  @Column({ type: 'bigint', nullable: true })
  operId: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  label: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated: Date;

  /** The logical (operational) date of the last change. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  operDate: Date;
}

/**
 * The temporal history of an object's state: intervals [valid_from, valid_to), the open one ending at
 * 'infinity'. The exclusion constraint makes overlapping intervals impossible.
 */
@Entity({ name: 'object_state' })
@Exclusion('ex_object_state_overlap', 'USING gist ("object_id" WITH =, tstzrange("valid_from", "valid_to") WITH &&)')
@Index('ix_object_state_object', ['objectId', 'validFrom'])
export class ObjectState {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'bigint' })
  objectId: string;

  @ManyToOne(() => PlatformObject, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'object_id' })
  object?: Relation<PlatformObject>;

  @Column({ type: 'bigint' })
  stateId: string;

  @ManyToOne(() => State, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'state_id' })
  state?: Relation<State>;

  @Column({ type: 'timestamptz' })
  validFrom: Date;

  @Column({ type: 'timestamptz', default: () => "'infinity'" })
  validTo: Date;
}

/** An object with a visibility zone (area) and a description. */
@Entity({ name: 'document' })
@Index('ix_document_area', ['areaId'])
export class PlatformDocument {
  @PrimaryColumn({ type: 'bigint' })
  id: string;

  @OneToOne(() => PlatformObject, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'id' })
  object?: Relation<PlatformObject>;

  @Column({ type: 'bigint' })
  areaId: string;

  @ManyToOne(() => Area, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'area_id' })
  area?: Relation<Area>;

  @Column({ type: 'text', nullable: true })
  description: string | null;
}

/** An object with a code (unique per class), a name and a description; no area. */
@Entity({ name: 'reference' })
@Index('uq_reference_class_code', ['classId', 'code'], { unique: true })
export class PlatformReference {
  @PrimaryColumn({ type: 'bigint' })
  id: string;

  @OneToOne(() => PlatformObject, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'id' })
  object?: Relation<PlatformObject>;

  @Column({ type: 'bigint' })
  classId: string;

  @Column({ type: 'varchar', length: 100 })
  code: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  name: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;
}
