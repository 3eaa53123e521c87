import type { RequestContext } from '../objects-workflow/request-context.js';
import type { Actor } from '../objects-workflow/workflow-handler.js';

/** Who asks, in which language, and as of which operational date (null: now): the kernel's request context. */
export type AttachmentContext = Pick<RequestContext, 'actor' | 'language' | 'operDate'>;

/**
 * What this module needs from the objects kernel, and nothing more: whether the actor may read or change an
 * object, and the SQL form of "may see" for lists. Attachments follow their object's access: reading needs
 * the object's select right, writing its update right; an object the actor cannot see answers 404 (as if it
 * did not exist), a visible one without the right 403.
 */
export abstract class ObjectAccessPort {
  /**
   * Throws 404 (missing or hidden) or 403 (visible, no `right`). Inside a unit of work, `u` also locks the
   * object row until commit, so writes to one object's attachments serialise.
   */
  abstract require(objectId: string, actor: Actor, right: 's' | 'u'): Promise<void>;

  /**
   * A condition true for the rows whose object (alias `o`, an `object` row) the actor may select, with its
   * parameters numbered from `$first`.
   */
  abstract visibleFilter(actor: Actor, first: number): Promise<{ sql: string; params: unknown[] }>;
}
