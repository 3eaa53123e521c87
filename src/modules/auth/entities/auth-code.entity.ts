import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Session } from './session.entity.js';

/** A one-time authorization code of a session (sign/in, authenticate), kept only as its SHA-256. */
@Entity({ name: 'auth_code' })
@Index('ix_auth_code_expires', ['expires'])
export class AuthCode {
  @PrimaryColumn({ type: 'char', length: 64 })
  codeHash: string;

  @Column({ type: 'bigint' })
  sessionId: string;

  @ManyToOne(() => Session, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: Relation<Session>;

  @Column({ type: 'timestamptz' })
  expires: Date;

  @Column({ type: 'timestamptz', nullable: true })
  consumed: Date | null;
}
