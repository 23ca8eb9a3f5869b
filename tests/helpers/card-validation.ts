import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };

const require = createRequire(import.meta.url);
const schemaPath = fileURLToPath(
  new URL('../../reference/adaptivecards/adaptive-card-1.5.json', import.meta.url),
);

/** Teams drops messages over ~100 KB; Sesame keeps every card under 80 KB. */
export const MAX_CARD_BYTES = 80 * 1024;

let validator: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    ajv.addMetaSchema(draft06);
    addFormats.default(ajv);
    const { id, ...schema } = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
    // The file is draft-06 but names itself with draft-04's `id`, which Ajv 8 refuses; it is the only one.
    validator = ajv.compile({ ...schema, $id: String(id) });
  }
  return validator;
}

interface AdaptiveCardsModule {
  AdaptiveCard: new () => {
    parse(json: unknown, context: unknown): void;
    validateProperties(): { validationEvents: { message: string }[] };
  };
  SerializationContext: new () => { errors?: unknown[]; eventCount?: number };
}

/** The `adaptivecards` package's browser build works in Node; its lib/ build does not import on Node 20. */
function adaptiveCards(): AdaptiveCardsModule {
  return require('adaptivecards/dist/adaptivecards.js') as AdaptiveCardsModule;
}

export interface CardCheck {
  readonly schemaErrors: string[];
  readonly parseErrors: string[];
  readonly bytes: number;
}

/** Validates a card against the 1.5 JSON schema, parses it with the adaptivecards package, and measures it. */
export function checkCard(card: unknown): CardCheck {
  const validate = schemaValidator();
  const schemaOk = validate(card);
  const schemaErrors = schemaOk
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());

  const ac = adaptiveCards();
  const parsed = new ac.AdaptiveCard();
  const context = new ac.SerializationContext() as {
    eventCount?: number;
    getEventAt?: (i: number) => { message: string };
  };
  parsed.parse(card, context);
  const parseErrors: string[] = [];
  const count = context.eventCount ?? 0;
  for (let i = 0; i < count; i++) {
    const event = context.getEventAt?.(i);
    if (event) parseErrors.push(event.message);
  }
  for (const event of parsed.validateProperties().validationEvents) parseErrors.push(event.message);
  return { schemaErrors, parseErrors, bytes: Buffer.byteLength(JSON.stringify(card), 'utf8') };
}
