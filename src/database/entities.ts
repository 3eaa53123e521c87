/**
 * Every TypeORM entity of the service, listed explicitly (globs break under Vitest and hide what exists).
 * A module adds its entities here; migrations/index.ts lists the migrations that create their tables.
 */
export const ENTITIES: Function[] = [];
