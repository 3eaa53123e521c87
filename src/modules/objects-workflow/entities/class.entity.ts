import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { LocalizedText } from '../../../common/i18n/language.js';

/** What an object means (seed 002 "Сущность"): fixed by the developers, not by users. */
@Entity({ name: 'essence' })
export class Essence {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'varchar', length: 30, unique: true })
  code: string;

  @Column({ type: 'jsonb' })
  name: LocalizedText;

  @Column({ type: 'text', nullable: true })
  description: string | null;
}

/** A node of the class tree; objects are created in concrete classes only. */
@Entity({ name: 'object_class' })
@Index('ix_object_class_parent', ['parentId'])
export class ObjectClass {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'bigint', nullable: true })
  parentId: string | null;

  @ManyToOne(() => ObjectClass, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'parent_id' })
  parent?: Relation<ObjectClass>;

  @Column({ type: 'bigint' })
  essenceId: string;

  @ManyToOne(() => Essence, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'essence_id' })
  essence?: Relation<Essence>;

  @Column({ type: 'integer' })
  level: number;

  @Column({ type: 'varchar', length: 50, unique: true })
  code: string;

  @Column({ type: 'jsonb' })
  label: LocalizedText;

  @Column({ type: 'boolean', default: false })
  abstract: boolean;
}

/** A subdivision of a class (client: entity, physical, individual); an object has exactly one. */
@Entity({ name: 'object_type' })
@Index('uq_object_type_class_code', ['classId', 'code'], { unique: true })
export class ObjectType {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'bigint' })
  classId: string;

  @ManyToOne(() => ObjectClass, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'class_id' })
  objectClass?: Relation<ObjectClass>;

  @Column({ type: 'varchar', length: 50 })
  code: string;

  @Column({ type: 'jsonb' })
  name: LocalizedText;

  @Column({ type: 'text', nullable: true })
  description: string | null;
}
