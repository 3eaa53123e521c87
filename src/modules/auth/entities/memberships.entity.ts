import { Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Area } from './area.entity.js';
import { Interface } from './interface.entity.js';
import { User } from './user.entity.js';
import { UserGroup } from './user-group.entity.js';

/** A user's groups. */
@Entity({ name: 'user_group_member' })
export class UserGroupMember {
  @PrimaryColumn({ type: 'bigint' })
  userId: string;

  @PrimaryColumn({ type: 'bigint' })
  groupId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @ManyToOne(() => UserGroup, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id' })
  group?: Relation<UserGroup>;
}

/** The areas a user may work in. */
@Entity({ name: 'area_member' })
export class AreaMember {
  @PrimaryColumn({ type: 'bigint' })
  areaId: string;

  @PrimaryColumn({ type: 'bigint' })
  userId: string;

  @ManyToOne(() => Area, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'area_id' })
  area?: Relation<Area>;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;
}

/** The interfaces each group may use. */
@Entity({ name: 'interface_member' })
export class InterfaceMember {
  @PrimaryColumn({ type: 'bigint' })
  interfaceId: string;

  @PrimaryColumn({ type: 'bigint' })
  groupId: string;

  @ManyToOne(() => Interface, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'interface_id' })
  interface?: Relation<Interface>;

  @ManyToOne(() => UserGroup, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id' })
  group?: Relation<UserGroup>;
}
