import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { SesameError } from '../core/errors.js';
import { RUN_VERBS, SECRET_INPUT_PREFIX } from './cards/run-card.js';
import { START_PROCEDURE_VERB } from './cards/help-card.js';
import { REMINDER_VERBS, SNOOZE_OPTIONS } from './cards/reminder-card.js';

/**
 * What a card button may send back, per verb, as JSON Schema (ajv, compiled once): exactly the fields Sesame puts
 * on its buttons, plus the card's input values for run.submit. Anything else — an unknown verb or field, a wrong
 * type, an oversized payload — is refused before the run, the store or Graph is touched.
 */

/** A whole action payload (verb, data and input values) above this is refused: Sesame's are under 1 KB. */
export const MAX_ACTION_BYTES = 8 * 1024;
/** One input value (a vendor address, a name…): Entra's own limits are lower. */
export const MAX_INPUT_LENGTH = 1000;
/** A secret typed on a confirm card (a provisioning token): longer than a name, still well under the whole payload. */
export const MAX_SECRET_LENGTH = 4000;

const runId = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' };
const locale = { enum: ['fr', 'en'] };
const runButton = (verb: string, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  required: ['verb', 'runId', 'stepVersion', 'sig'],
  properties: {
    verb: { const: verb },
    runId,
    stepId: { type: ['string', 'null'], maxLength: 100 },
    stepVersion: { type: 'integer', minimum: 0, maximum: 1_000_000_000 },
    sig: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
    locale,
    ...extra,
  },
  additionalProperties: false,
});

const reminderButton = (verb: string, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  required: ['verb', 'reminderId', 'runId', 'sig'],
  properties: {
    verb: { const: verb },
    // run:step:reminder, and ':snooze-n' for a snoozed one (bot/reminder-conversation.ts).
    reminderId: {
      type: 'string',
      pattern: '^[0-9a-f-]{36}:[A-Za-z0-9_.-]{1,100}:[A-Za-z0-9_.-]{1,100}(:snooze-[1-9][0-9]{0,3})?$',
    },
    runId,
    sig: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
    locale,
    ...extra,
  },
  additionalProperties: false,
});

const DATA_SCHEMAS: Record<string, object> = {
  ...Object.fromEntries(
    Object.values(REMINDER_VERBS)
      .filter((v) => v !== REMINDER_VERBS.snooze)
      .map((v) => [v, reminderButton(v)]),
  ),
  [REMINDER_VERBS.snooze]: {
    ...reminderButton(REMINDER_VERBS.snooze, { option: { enum: [...SNOOZE_OPTIONS] } }),
    required: ['verb', 'reminderId', 'runId', 'sig', 'option'],
  },
  [START_PROCEDURE_VERB]: {
    type: 'object',
    required: ['verb', 'procedureId'],
    properties: {
      verb: { const: START_PROCEDURE_VERB },
      procedureId: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
      locale,
    },
    additionalProperties: false,
  },
  'signin.done': {
    type: 'object',
    required: ['verb'],
    properties: { verb: { const: 'signin.done' }, locale },
    additionalProperties: false,
  },
  ...Object.fromEntries(
    Object.values(RUN_VERBS)
      .filter(
        (v) =>
          v !== RUN_VERBS.submit &&
          v !== RUN_VERBS.choose &&
          v !== RUN_VERBS.confirm &&
          v !== RUN_VERBS.change,
      )
      .map((v) => [v, runButton(v)]),
  ),
  // "Change" goes back to the last input step, or (a wait's fix) to the step its signed option names.
  [RUN_VERBS.change]: runButton(RUN_VERBS.change, {
    option: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,100}$' },
  }),
  [RUN_VERBS.choose]: {
    ...runButton(RUN_VERBS.choose, { option: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,100}$' } }),
    required: ['verb', 'runId', 'stepVersion', 'sig', 'option'],
  },
  // A confirm card may ask for secrets (the step's secret fields): which ones is checked against the run.
  [RUN_VERBS.confirm]: {
    ...runButton(RUN_VERBS.confirm),
    patternProperties: {
      [`^${SECRET_INPUT_PREFIX}[A-Za-z][A-Za-z0-9_.-]{0,63}$`]: {
        type: 'string',
        maxLength: MAX_SECRET_LENGTH,
      },
    },
  },
  // Input values arrive merged into the button's data (Teams does it): strings, named like Sesame's field ids.
  // Which fields the current step has is checked against the run (see procedure-conversation).
  [RUN_VERBS.submit]: {
    ...runButton(RUN_VERBS.submit),
    propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$' },
    additionalProperties: { type: 'string', maxLength: MAX_INPUT_LENGTH },
  },
};

/** The invoke value Teams sends for Action.Execute. */
const EXECUTE_SCHEMA = {
  type: 'object',
  required: ['action'],
  properties: {
    action: {
      type: 'object',
      required: ['type', 'verb', 'data'],
      properties: {
        type: { const: 'Action.Execute' },
        id: { type: 'string', maxLength: 200 },
        // Teams and the Agents Playground send the button's title with every Action.Execute.
        title: { type: 'string', maxLength: 200 },
        verb: { type: 'string', maxLength: 64 },
        data: { type: 'object' },
      },
      additionalProperties: false,
    },
    trigger: { enum: ['manual', 'automatic'] },
  },
  additionalProperties: false,
};

const ajv = new Ajv({ allErrors: false, strict: true });
const validateExecute = ajv.compile(EXECUTE_SCHEMA);
const validators = new Map<string, ValidateFunction>(
  Object.entries(DATA_SCHEMAS).map(([verb, schema]) => [verb, ajv.compile(schema)]),
);

export interface CardAction {
  readonly verb: string;
  readonly data: Readonly<Record<string, unknown>>;
}

function refuse(field: string, reason: string): never {
  throw new SesameError('action_invalid', `card action refused: ${field} ${reason}`, {
    details: { field, reason },
  });
}

function firstProblem(errors: readonly ErrorObject[] | null | undefined): { field: string; reason: string } {
  const e = errors?.[0];
  if (!e) return { field: 'data', reason: 'invalid' };
  const path = e.instancePath.split('/').filter(Boolean);
  const field =
    e.keyword === 'additionalProperties'
      ? String((e.params as { additionalProperty?: string }).additionalProperty)
      : e.keyword === 'required'
        ? String((e.params as { missingProperty?: string }).missingProperty)
        : e.keyword === 'propertyNames'
          ? String((e.params as { propertyName?: string }).propertyName)
          : (path[path.length - 1] ?? 'data');
  const reason =
    e.keyword === 'additionalProperties' || e.keyword === 'propertyNames'
      ? 'unknown'
      : e.keyword === 'required'
        ? 'missing'
        : e.keyword === 'maxLength' || e.keyword === 'maximum'
          ? 'too_long'
          : e.keyword === 'type'
            ? 'type'
            : 'format';
  return { field, reason };
}

function sizeOf(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function checkData(verb: string, data: unknown): CardAction {
  const validate = validators.get(verb);
  if (!validate) refuse('verb', 'unknown');
  if (!validate(data)) {
    const p = firstProblem(validate.errors);
    refuse(p.field, p.reason);
  }
  return { verb, data: data as Record<string, unknown> };
}

/** Action.Execute: the invoke's value. Throws SesameError('action_invalid') with the field and reason. */
export function parseExecuteAction(value: unknown): CardAction {
  if (sizeOf(value) > MAX_ACTION_BYTES) refuse('data', 'too_large');
  if (!validateExecute(value)) {
    const p = firstProblem(validateExecute.errors);
    refuse(p.field, p.reason);
  }
  const action = (value as { action: { verb: string; data: Record<string, unknown> } }).action;
  return checkData(action.verb, action.data);
}

/** The Action.Submit fallback: the message's value is the button's data (verb included) and the inputs. */
export function parseSubmitAction(value: unknown): CardAction {
  if (sizeOf(value) > MAX_ACTION_BYTES) refuse('data', 'too_large');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) refuse('data', 'type');
  const verb = (value as { verb?: unknown }).verb;
  if (typeof verb !== 'string') refuse('verb', 'missing');
  return checkData(verb, value);
}
