import { describe, expect, it } from 'vitest';
import { DomainError } from '../../common/errors/domain-error.js';
import {
  decideAction,
  decideCreate,
  decideMethod,
  effectiveMethods,
  eventChain,
  type EventRow,
  methodsInState,
  type MethodRow,
} from './workflow.decision.js';

// Class chain of a client object: client(3) -> document(2) -> object(1).
const CHAIN = ['3', '2', '1'];
const [CREATED, ENABLED, DISABLED] = ['10', '11', '12'];
const ACTION = { enable: '5', disable: '6', delete: '7', edit: '4', create: '8' } as const;

let nextId = 100;
function method(
  classId: string,
  stateId: string | null,
  action: keyof typeof ACTION,
  newStateId: string | null,
  extra: Partial<MethodRow> = {},
): MethodRow {
  const id = String(nextId++);
  return {
    id,
    classId,
    stateId,
    actionId: ACTION[action],
    actionCode: action,
    code: `${stateId ?? 'null'}:${action}`,
    label: { ru: action, en: action },
    visible: true,
    sequence: nextId,
    newStateId,
    ...extra,
  };
}

const base = [
  method('1', CREATED, 'enable', ENABLED),
  method('1', ENABLED, 'disable', DISABLED),
  method('1', ENABLED, 'delete', '13'),
  method('1', DISABLED, 'enable', ENABLED),
  method('1', null, 'edit', null),
];

const conflict = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof DomainError && err.code === 'CONFLICT';
  }
  return false;
};

describe('workflow decisions', () => {
  it('an action resolves to the method of the current state, inherited from an ancestor', () => {
    expect(decideAction(base, CHAIN, ENABLED, { code: 'disable' })).toMatchObject({ classId: '1', newStateId: DISABLED });
    expect(decideAction(base, CHAIN, ENABLED, { id: ACTION.disable }).code).toBe(`${ENABLED}:disable`);
  });

  it('the deepest class wins for the same (state, action)', () => {
    const override = method('3', ENABLED, 'disable', CREATED);
    expect(decideAction([...base, override], CHAIN, ENABLED, { code: 'disable' }).id).toBe(override.id);
    // A sibling class's method (not in the chain) is ignored.
    expect(decideAction([...base, method('9', ENABLED, 'disable', CREATED)], CHAIN, ENABLED, { code: 'disable' }).classId).toBe('1');
  });

  it('a global method applies in any state, a state method first', () => {
    expect(decideAction(base, CHAIN, DISABLED, { code: 'edit' })).toMatchObject({ stateId: null, newStateId: null });
    const stateEdit = method('1', DISABLED, 'edit', ENABLED);
    expect(decideAction([...base, stateEdit], CHAIN, DISABLED, { code: 'edit' }).id).toBe(stateEdit.id);
  });

  it('an action with no method in the current state is refused (409)', () => {
    expect(conflict(() => decideAction(base, CHAIN, CREATED, { code: 'disable' }))).toBe(true);
    expect(conflict(() => decideAction(base, CHAIN, ENABLED, { code: 'nonsense' }))).toBe(true);
  });

  it('a method by id or code must be in force and offered in the current state', () => {
    const [createdEnable, enabledDisable] = base;
    expect(decideMethod(base, CHAIN, ENABLED, { id: enabledDisable.id }).id).toBe(enabledDisable.id);
    expect(decideMethod(base, CHAIN, ENABLED, { code: `${ENABLED}:disable` }).id).toBe(enabledDisable.id);
    expect(conflict(() => decideMethod(base, CHAIN, ENABLED, { id: createdEnable.id }))).toBe(true);
    expect(decideMethod(base, CHAIN, CREATED, { code: 'null:edit' }).actionCode).toBe('edit');
    // Overridden by a subclass: the ancestor's method no longer runs for this class.
    const override = method('3', ENABLED, 'disable', CREATED, { code: 'client:disable' });
    expect(conflict(() => decideMethod([...base, override], CHAIN, ENABLED, { id: enabledDisable.id }))).toBe(true);
  });

  it('create runs only for a new object: refused by action or method on an existing one', () => {
    const create = method('1', null, 'create', CREATED);
    const rows = [...base, create];
    expect(decideCreate(rows, CHAIN).id).toBe(create.id);
    expect(conflict(() => decideAction(rows, CHAIN, ENABLED, { code: 'create' }))).toBe(true);
    expect(conflict(() => decideMethod(rows, CHAIN, ENABLED, { code: 'null:create' }))).toBe(true);
    expect(conflict(() => decideCreate(base, CHAIN))).toBe(true);
  });

  it('methodsInState lists the state methods in sequence order, not the global ones', () => {
    expect(methodsInState(base, CHAIN, ENABLED).map((m) => m.actionCode)).toEqual(['disable', 'delete']);
    expect(effectiveMethods(base, ['7'])).toEqual([]);
  });

  describe('event chain', () => {
    const ev = (classId: string, kind: EventRow['kind'], handler: string | null, sequence: number, enabled = true): EventRow => ({
      classId,
      actionId: ACTION.enable,
      kind,
      handler,
      sequence,
      enabled,
    });

    it('runs a class’s own handlers in sequence order, `parent` splicing in the parent chain', () => {
      const rows = [
        ev('3', 'handler', 'client.after', 30),
        ev('3', 'parent', null, 20),
        ev('3', 'handler', 'client.before', 10),
        ev('1', 'handler', 'object.log', 1),
      ];
      expect(eventChain(rows, CHAIN, ACTION.enable)).toEqual(['client.before', 'object.log', 'client.after']);
    });

    it('a class without events for the action inherits its parent’s chain; disabled entries are skipped', () => {
      const rows = [ev('1', 'handler', 'object.log', 1), ev('1', 'handler', 'object.off', 2, false)];
      expect(eventChain(rows, CHAIN, ACTION.enable)).toEqual(['object.log']);
      expect(eventChain(rows, CHAIN, ACTION.disable)).toEqual([]);
    });

    it('without `parent` a class replaces its ancestors’ chain', () => {
      const rows = [ev('3', 'handler', 'client.only', 1), ev('1', 'handler', 'object.log', 1)];
      expect(eventChain(rows, CHAIN, ACTION.enable)).toEqual(['client.only']);
    });
  });
});
