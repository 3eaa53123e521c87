import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { LocalizedText } from '../../../common/i18n/language.js';
import { ObjectClass } from './class.entity.js';
import { State } from './state.entity.js';

/** The fixed catalogue of verbs (enable, disable, delete, ...). */
@Entity({ name: 'action' })
export class Action {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'varchar', length: 30, unique: true })
  code: string;

  @Column({ type: 'jsonb' })
  name: LocalizedText;
}

/**
 * What a UI shows as a button: an action offered in a state of a class (state null: in any state). One per
 * (class, state, action); the lookup walks up the class tree and takes the deepest match.
 */
@Entity({ name: 'method' })
@Index('uq_method_class_code', ['classId', 'code'], { unique: true })
@Index('uq_method_class_state_action', ['classId', 'stateId', 'actionId'], { unique: true, where: 'state_id IS NOT NULL' })
@Index('uq_method_class_action_global', ['classId', 'actionId'], { unique: true, where: 'state_id IS NULL' })
export class Method {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'bigint' })
  classId: string;

  @ManyToOne(() => ObjectClass, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'class_id' })
  objectClass?: Relation<ObjectClass>;

  @Column({ type: 'bigint', nullable: true })
  stateId: string | null;

  @ManyToOne(() => State, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'state_id' })
  state?: Relation<State>;

  @Column({ type: 'bigint' })
  actionId: string;

  @ManyToOne(() => Action, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'action_id' })
  action?: Relation<Action>;

  @Column({ type: 'varchar', length: 100 })
  code: string;

  @Column({ type: 'jsonb' })
  label: LocalizedText;

  @Column({ type: 'integer', default: 0 })
  sequence: number;

  @Column({ type: 'boolean', default: true })
  visible: boolean;
}

/** (state of the method, method) -> new state. A method without one changes no state. */
@Entity({ name: 'transition' })
export class Transition {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'bigint', unique: true })
  methodId: string;

  @ManyToOne(() => Method, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'method_id' })
  method?: Relation<Method>;

  @Column({ type: 'bigint' })
  newStateId: string;

  @ManyToOne(() => State, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'new_state_id' })
  newState?: Relation<State>;
}

/**
 * The event chain of (class, action), in sequence order: `parent` runs the parent class's chain for the
 * action at that point; `handler` calls the registered TypeScript handler named in `handler`.
 */
@Entity({ name: 'workflow_event' })
@Check('ck_workflow_event_kind', "(kind = 'parent' AND handler IS NULL) OR (kind = 'handler' AND handler IS NOT NULL)")
@Index('ix_workflow_event_class_action', ['classId', 'actionId', 'sequence'])
export class WorkflowEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'bigint' })
  classId: string;

  @ManyToOne(() => ObjectClass, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'class_id' })
  objectClass?: Relation<ObjectClass>;

  @Column({ type: 'bigint' })
  actionId: string;

  @ManyToOne(() => Action, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'action_id' })
  action?: Relation<Action>;

  @Column({ type: 'varchar', length: 10 })
  kind: 'parent' | 'handler';

  @Column({ type: 'varchar', length: 100, nullable: true })
  handler: string | null;

  @Column({ type: 'integer', default: 0 })
  sequence: number;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;
}
