import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** administrator, operator, manager, user. */
@Entity({ name: 'user_group' })
export class UserGroup {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'varchar', length: 50, unique: true })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;
}
