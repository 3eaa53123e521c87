import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { ObjectClass } from './class.entity.js';
import { Method } from './method.entity.js';
import { PlatformObject } from './object.entity.js';

/**
 * Access masks (design/workflow.md section 5), each granted to a user or a group: `allow` and `deny` hold
 * the letters of the rights (deny wins). Class: a access, c create, s select, u update, d delete.
 */
@Entity({ name: 'acl_class' })
@Check('ck_acl_class_principal', '(user_id IS NULL) <> (group_id IS NULL)')
@Index('uq_acl_class_user', ['classId', 'userId'], { unique: true, where: 'user_id IS NOT NULL' })
@Index('uq_acl_class_group', ['classId', 'groupId'], { unique: true, where: 'group_id IS NOT NULL' })
export class AclClass {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'bigint' })
  classId: string;

  @ManyToOne(() => ObjectClass, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'class_id' })
  objectClass?: Relation<ObjectClass>;

  @Column({ type: 'bigint', nullable: true })
  userId: string | null;

  @Column({ type: 'bigint', nullable: true })
  groupId: string | null;

  @Column({ type: 'varchar', length: 5, default: '' })
  allow: string;

  @Column({ type: 'varchar', length: 5, default: '' })
  deny: string;
}

/** Method rights: x execute, v visible, e enable. */
@Entity({ name: 'acl_method' })
@Check('ck_acl_method_principal', '(user_id IS NULL) <> (group_id IS NULL)')
@Index('uq_acl_method_user', ['methodId', 'userId'], { unique: true, where: 'user_id IS NOT NULL' })
@Index('uq_acl_method_group', ['methodId', 'groupId'], { unique: true, where: 'group_id IS NOT NULL' })
export class AclMethod {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'bigint' })
  methodId: string;

  @ManyToOne(() => Method, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'method_id' })
  method?: Relation<Method>;

  @Column({ type: 'bigint', nullable: true })
  userId: string | null;

  @Column({ type: 'bigint', nullable: true })
  groupId: string | null;

  @Column({ type: 'varchar', length: 3, default: '' })
  allow: string;

  @Column({ type: 'varchar', length: 3, default: '' })
  deny: string;
}

/** Object rights: s select, u update, d delete. The owner gets all three on creation. */
@Entity({ name: 'acl_object' })
@Check('ck_acl_object_principal', '(user_id IS NULL) <> (group_id IS NULL)')
@Index('uq_acl_object_user', ['objectId', 'userId'], { unique: true, where: 'user_id IS NOT NULL' })
@Index('uq_acl_object_group', ['objectId', 'groupId'], { unique: true, where: 'group_id IS NOT NULL' })
@Index('ix_acl_object_object', ['objectId'])
export class AclObject {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'bigint' })
  objectId: string;

  @ManyToOne(() => PlatformObject, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'object_id' })
  object?: Relation<PlatformObject>;

  @Column({ type: 'bigint', nullable: true })
  userId: string | null;

  @Column({ type: 'bigint', nullable: true })
  groupId: string | null;

  @Column({ type: 'varchar', length: 3, default: '' })
  allow: string;

  @Column({ type: 'varchar', length: 3, default: '' })
  deny: string;
}
