import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type ImportStatus = 'running' | 'done' | 'failed';

/** What an import counted (the summary the CLI prints and the admin API shows). */
export interface ImportCounts {
  /** Records read from KLADR.DBF and STREET.DBF. */
  read: number;
  /** Nodes in the new tree (the country root included). */
  current: number;
  /** Records whose actuality flag is not 00. */
  skipped: number;
  rejected: number;
  /** Nodes by level: country, region, district, city, settlement, street. */
  levels: number[];
  /** Nodes whose parent is not in the release (kept; their ancestors' strings leave that level out). */
  orphans: number;
}

/** One rejected record: where, and why. Only the first hundred are kept. */
export interface Rejection {
  file: string;
  /** 1-based, deleted records counted; null for a duplicate found after reading. */
  record: number | null;
  reason: string;
}

/**
 * One run of the KLADR importer (CLI or admin API). The last `done` run describes the tree in force; a `running`
 * row is the one import that may run at a time (the partial unique index), guarded by an advisory lock so that a
 * run whose process died is recognised and closed.
 */
@Entity({ name: 'address_tree_import' })
@Index('ux_address_tree_import_running', ['status'], { unique: true, where: `"status" = 'running'` })
export class AddressTreeImport {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'pk_address_tree_import' })
  id: string;

  /** The directory or archive, as given. */
  @Column({ type: 'text' })
  source: string;

  @Column({ type: 'varchar', length: 10 })
  status: ImportStatus;

  @CreateDateColumn({ type: 'timestamptz' })
  started: Date;

  @Column({ type: 'timestamptz', nullable: true })
  finished: Date | null;

  @Column({ type: 'date', nullable: true })
  release: string | null;

  /** Records processed so far and in all (progress of a running import). */
  @Column({ type: 'integer', default: 0 })
  done: number;

  @Column({ type: 'integer', default: 0 })
  total: number;

  @Column({ type: 'jsonb', nullable: true })
  counts: ImportCounts | null;

  @Column({ type: 'jsonb', default: () => `'[]'` })
  rejections: Rejection[];

  /** Why a failed run stopped (file and record named). */
  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ type: 'bigint', nullable: true })
  userId: string | null;
}
