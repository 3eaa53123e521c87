import type { MigrationInterface, QueryRunner } from 'typeorm';

const json = (ru: string, en: string) => JSON.stringify({ ru, en });

const ESSENCES: [code: string, ru: string, en: string][] = [
  ['object', 'Объект', 'Object'],
  ['document', 'Документ', 'Document'],
  ['reference', 'Справочник', 'Reference'],
  ['address', 'Адрес', 'Address'],
  ['client', 'Клиент', 'Client'],
  ['calendar', 'Календарь', 'Calendar'],
];

/** design/workflow.md section 1: code, parent, essence, abstract, ru, en. */
const CLASSES: [code: string, parent: string | null, essence: string, abstract: boolean, ru: string, en: string][] = [
  ['object', null, 'object', true, 'Объект', 'Object'],
  ['document', 'object', 'document', true, 'Документ', 'Document'],
  ['reference', 'object', 'reference', true, 'Справочник', 'Reference'],
  ['address', 'document', 'address', false, 'Адрес', 'Address'],
  ['client', 'document', 'client', false, 'Клиент', 'Client'],
  ['calendar', 'reference', 'calendar', false, 'Календарь рабочих дней', 'Working-day calendar'],
];

const ACTIONS: [code: string, ru: string, en: string][] = [
  ['anything', 'Ничто', 'Anything'],
  ['create', 'Создать', 'Create'],
  ['open', 'Открыть', 'Open'],
  ['edit', 'Изменить', 'Edit'],
  ['save', 'Сохранить', 'Save'],
  ['enable', 'Включить', 'Enable'],
  ['disable', 'Отключить', 'Disable'],
  ['delete', 'Удалить', 'Delete'],
  ['restore', 'Восстановить', 'Restore'],
  ['drop', 'Уничтожить', 'Drop'],
  ['start', 'Запустить', 'Start'],
  ['stop', 'Остановить', 'Stop'],
  ['check', 'Проверить', 'Check'],
  ['cancel', 'Отменить', 'Cancel'],
  ['abort', 'Прервать', 'Abort'],
  ['postpone', 'Отложить', 'Postpone'],
  ['reserve', 'Зарезервировать', 'Reserve'],
  ['return', 'Вернуть', 'Return'],
];

const STATE_TYPES: [code: string, ru: string, en: string][] = [
  ['created', 'Создан', 'Created'],
  ['enabled', 'Включен', 'Enabled'],
  ['disabled', 'Отключен', 'Disabled'],
  ['deleted', 'Удалён', 'Deleted'],
];

/** The default lifecycle (design/workflow.md section 2), on the root class; every class inherits it. */
const STATES: [code: string, type: string, ru: string, en: string][] = [
  ['created', 'created', 'Создан', 'Created'],
  ['enabled', 'enabled', 'Открыт', 'Open'],
  ['disabled', 'disabled', 'Закрыт', 'Closed'],
  ['deleted', 'deleted', 'Удалён', 'Deleted'],
];

/** state (null: any), action, new state (null: none), ru, en. */
const METHODS: [state: string | null, action: string, to: string | null, ru: string, en: string][] = [
  ['created', 'enable', 'enabled', 'Открыть', 'Open'],
  ['created', 'disable', 'disabled', 'Закрыть', 'Close'],
  ['created', 'delete', 'deleted', 'Удалить', 'Delete'],
  ['enabled', 'disable', 'disabled', 'Закрыть', 'Close'],
  ['enabled', 'delete', 'deleted', 'Удалить', 'Delete'],
  ['disabled', 'enable', 'enabled', 'Открыть', 'Open'],
  ['disabled', 'delete', 'deleted', 'Удалить', 'Delete'],
  ['deleted', 'restore', 'created', 'Восстановить', 'Restore'],
  ['deleted', 'drop', null, 'Уничтожить', 'Destroy'],
  [null, 'create', 'created', 'Создать', 'Create'],
  [null, 'open', null, 'Открыть', 'Open'],
  [null, 'edit', null, 'Изменить', 'Edit'],
  [null, 'save', null, 'Сохранить', 'Save'],
];

const TYPES: [klass: string, code: string, ru: string, en: string][] = [
  ['client', 'entity', 'Юридическое лицо', 'Legal entity'],
  ['client', 'physical', 'Физическое лицо', 'Natural person'],
  ['client', 'individual', 'Индивидуальный предприниматель', 'Sole trader'],
  ['calendar', 'workday', 'Календарь рабочих дней', 'Working-day calendar'],
];

/** Class grants of the seeded groups on the root class (administrators bypass the masks). */
const GRANTS: [group: string, allow: string][] = [
  ['operator', 'acsud'],
  ['manager', 'acsud'],
  ['user', 'ac'],
];

/** Seed rows of the workflow: essences, the class tree, the default lifecycle, types and default grants. */
export class SeedWorkflow1795371800000 implements MigrationInterface {
  name = 'SeedWorkflow1795371800000';

  async up(q: QueryRunner): Promise<void> {
    for (const [code, ru, en] of ESSENCES) await q.query(`INSERT INTO essence (code, name) VALUES ($1, $2)`, [code, json(ru, en)]);
    for (const [index, [code, parent, essence, abstract, ru, en]] of CLASSES.entries()) {
      await q.query(
        `INSERT INTO object_class (parent_id, essence_id, level, code, label, abstract)
         SELECT (SELECT id FROM object_class WHERE code = $1), e.id, $2, $3, $4, $5 FROM essence e WHERE e.code = $6`,
        [parent, index === 0 ? 0 : parent === 'object' ? 1 : 2, code, json(ru, en), abstract, essence],
      );
    }
    for (const [code, ru, en] of ACTIONS) await q.query(`INSERT INTO action (code, name) VALUES ($1, $2)`, [code, json(ru, en)]);
    for (const [code, ru, en] of STATE_TYPES) await q.query(`INSERT INTO state_type (code, name) VALUES ($1, $2)`, [code, json(ru, en)]);
    for (const [index, [code, type, ru, en]] of STATES.entries()) {
      await q.query(
        `INSERT INTO state (class_id, type_id, code, label, sequence)
         SELECT c.id, t.id, $1, $2, $3 FROM object_class c, state_type t WHERE c.code = 'object' AND t.code = $4`,
        [code, json(ru, en), index + 1, type],
      );
    }
    for (const [index, [state, action, to, ru, en]] of METHODS.entries()) {
      const [{ id }] = await q.query(
        `INSERT INTO method (class_id, state_id, action_id, code, label, sequence, visible)
         SELECT c.id, (SELECT s.id FROM state s WHERE s.class_id = c.id AND s.code = $1), a.id, $2, $3, $4, $5
           FROM object_class c, action a WHERE c.code = 'object' AND a.code = $6 RETURNING id`,
        [state, `${state ?? 'null'}:${action}`, json(ru, en), index + 1, state !== null, action],
      );
      if (to) {
        await q.query(
          `INSERT INTO transition (method_id, new_state_id) SELECT $1, s.id FROM state s JOIN object_class c ON c.id = s.class_id WHERE c.code = 'object' AND s.code = $2`,
          [id, to],
        );
      }
    }
    for (const [klass, code, ru, en] of TYPES) {
      await q.query(`INSERT INTO object_type (class_id, code, name) SELECT id, $1, $2 FROM object_class WHERE code = $3`, [
        code,
        json(ru, en),
        klass,
      ]);
    }
    for (const [group, allow] of GRANTS) {
      await q.query(
        `INSERT INTO acl_class (class_id, group_id, allow) SELECT c.id, g.id, $1 FROM object_class c, user_group g WHERE c.code = 'object' AND g.code = $2`,
        [allow, group],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['acl_class', 'object_type', 'transition', 'method', 'state', 'state_type', 'action', 'object_class', 'essence']) {
      await q.query(`DELETE FROM ${table}`);
    }
  }
}
