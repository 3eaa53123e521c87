import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { LocalizedText } from '../../../common/i18n/language.js';
import { ObjectClass } from './class.entity.js';

/** The four fixed kinds of state: created, enabled, disabled, deleted. */
@Entity({ name: 'state_type' })
export class StateType {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'varchar', length: 30, unique: true })
  code: string;

  @Column({ type: 'jsonb' })
  name: LocalizedText;
}

/** A state of a class (inherited by its subclasses unless they define their own with the same code). */
@Entity({ name: 'state' })
@Index('uq_state_class_code', ['classId', 'code'], { unique: true })
export class State {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'bigint' })
  classId: string;

  @ManyToOne(() => ObjectClass, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'class_id' })
  objectClass?: Relation<ObjectClass>;

  @Column({ type: 'bigint' })
  typeId: string;

  @ManyToOne(() => StateType, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'type_id' })
  type?: Relation<StateType>;

  @Column({ type: 'varchar', length: 50 })
  code: string;

  @Column({ type: 'jsonb' })
  label: LocalizedText;

  @Column({ type: 'integer', default: 0 })
  sequence: number;
}
