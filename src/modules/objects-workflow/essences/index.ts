import { addressEssence } from './address.essence.js';
import { calendarEssence } from './calendar.essence.js';
import { clientEssence } from './client.essence.js';
import { officeEssence } from './office.essence.js';
import type { EssenceDefinition } from './essence-definition.js';

/**
 * The registry: every non-abstract essence of the class tree, each served at /api/v1/<code>/... by the
 * controller factory (essence.controller.ts). Add a definition here and it has its endpoints.
 */
export const ESSENCES: readonly EssenceDefinition[] = [clientEssence, calendarEssence, addressEssence, officeEssence];
