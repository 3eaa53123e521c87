import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A workplace (`I:1:0:0` all, admins, operators, users). */
@Entity({ name: 'interface' })
export class Interface {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'varchar', length: 30, unique: true })
  sid: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;
}
