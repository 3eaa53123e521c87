import { DomainError } from '../../common/errors/domain-error.js';
import type { Language, LocalizedText } from '../../common/i18n/language.js';

/**
 * The engine's decisions, as pure functions over configuration rows (design/workflow.md section 3): which
 * method an action or a method id/code resolves to for an object's class and state, and which handlers the
 * event chain of (class, action) runs. No database, no clock: unit-tested rule by rule.
 */

/** A method row of some class in the object's class chain, with its action and transition. */
export interface MethodRow {
  id: string;
  classId: string;
  /** Null: offered in any state (a global method). */
  stateId: string | null;
  actionId: string;
  actionCode: string;
  code: string;
  label: LocalizedText;
  visible: boolean;
  sequence: number;
  /** The state the transition leads to; null: the method changes no state. */
  newStateId: string | null;
}

const CREATE = 'create';

export interface EventRow {
  classId: string;
  actionId: string;
  kind: 'parent' | 'handler';
  handler: string | null;
  sequence: number;
  enabled: boolean;
}

/**
 * The methods in force for a class: for each (state, action) the one of the deepest class in `chain`
 * (the object's class first, then its ancestors). Subclasses override by defining the same (state, action).
 */
export function effectiveMethods(rows: readonly MethodRow[], chain: readonly string[]): MethodRow[] {
  const depth = new Map(chain.map((id, i) => [id, i]));
  const best = new Map<string, MethodRow>();
  for (const row of rows) {
    const d = depth.get(row.classId);
    if (d === undefined) continue;
    const key = `${row.stateId ?? '*'}|${row.actionId}`;
    const current = best.get(key);
    if (!current || d < depth.get(current.classId)!) best.set(key, row);
  }
  return [...best.values()].sort((a, b) => a.sequence - b.sequence || Number(a.id) - Number(b.id));
}

/** A method as `method/get` and `<essence>/method` answer it (seed 002's shape). */
export function methodItem(m: MethodRow, lang: Language) {
  return { id: Number(m.id), parent: null, action: Number(m.actionId), actioncode: m.actionCode, label: m.label[lang], visible: m.visible };
}

/** The methods offered in a state (not the global ones), as `method/get` lists them. */
export function methodsInState(rows: readonly MethodRow[], chain: readonly string[], stateId: string): MethodRow[] {
  return effectiveMethods(rows, chain).filter((m) => m.stateId === stateId);
}

function notAllowed(what: string): DomainError {
  return new DomainError('CONFLICT', {
    ru: `Действие "${what}" недопустимо в текущем состоянии объекта.`,
    en: `"${what}" is not allowed in the object's current state.`,
  });
}

/**
 * The method an action runs on an object in `stateId`: the method of the current state if there is one,
 * else a global method of that action. None: the action is not allowed now (409).
 */
export function decideAction(
  rows: readonly MethodRow[],
  chain: readonly string[],
  stateId: string,
  action: { id?: string; code?: string },
): MethodRow {
  const matches = (m: MethodRow) => (action.id !== undefined ? m.actionId === action.id : m.actionCode === action.code);
  const effective = effectiveMethods(rows, chain).filter(matches);
  const found = effective.find((m) => m.stateId === stateId) ?? effective.find((m) => m.stateId === null);
  // `create` belongs to a new object (decideCreate): an existing one cannot be created again.
  if (!found || found.actionCode === CREATE) throw notAllowed(action.code ?? `#${action.id}`);
  return found;
}

/** The global `create` method a new object of the class runs; its transition gives the first state. */
export function decideCreate(rows: readonly MethodRow[], chain: readonly string[]): MethodRow {
  const found = effectiveMethods(rows, chain).find((m) => m.stateId === null && m.actionCode === CREATE);
  if (!found || !found.newStateId)
    throw new DomainError('CONFLICT', {
      ru: 'Для класса не настроено создание объектов.',
      en: 'The class has no create method with a transition.',
    });
  return found;
}

/**
 * A method named by id or code: it must be in force for the class (not overridden by a subclass) and
 * offered in the current state (or in any state). Otherwise 409, and nothing runs.
 */
export function decideMethod(
  rows: readonly MethodRow[],
  chain: readonly string[],
  stateId: string,
  method: { id?: string; code?: string },
): MethodRow {
  const effective = effectiveMethods(rows, chain);
  const found = effective.find((m) => (method.id !== undefined ? m.id === method.id : m.code === method.code));
  if (!found || found.actionCode === CREATE || (found.stateId !== null && found.stateId !== stateId))
    throw notAllowed(method.code ?? `#${method.id}`);
  return found;
}

/**
 * The handler names the event chain of (class, action) runs, in order. A class's own enabled events run in
 * sequence order; a `parent` entry runs the parent class's chain at that point. A class with no events for
 * the action runs its parent's chain (so handlers bound to an ancestor apply to subclasses).
 */
export function eventChain(rows: readonly EventRow[], chain: readonly string[], actionId: string): string[] {
  const byClass = new Map<string, EventRow[]>();
  for (const row of rows) {
    if (row.actionId !== actionId) continue;
    const list = byClass.get(row.classId) ?? [];
    list.push(row);
    byClass.set(row.classId, list);
  }
  const run = (level: number): string[] => {
    if (level >= chain.length) return [];
    const own = byClass.get(chain[level]);
    if (!own) return run(level + 1);
    return own
      .filter((e) => e.enabled)
      .sort((a, b) => a.sequence - b.sequence)
      .flatMap((e) => (e.kind === 'parent' ? run(level + 1) : [e.handler!]));
  };
  return run(0);
}
