/**
 * FEEL for the embedded engine, through @bpmn-io/feelin.
 *
 * Zeebe treats a value that starts with `=` as a FEEL expression and anything
 * else as a static value. Results are converted to plain JSON values: luxon
 * durations to ISO duration strings, dates and date-times to ISO strings.
 */
import { evaluate } from '@bpmn-io/feelin';
import { DateTime, Duration } from 'luxon';

export class FeelError extends Error {
  constructor(
    readonly expression: string,
    message: string,
  ) {
    super(`FEEL '${expression}': ${message}`);
    this.name = 'FeelError';
  }
}

export function isFeel(value: unknown): value is string {
  return typeof value === 'string' && value.trimStart().startsWith('=');
}

/** Plain JSON value of a FEEL result. */
export function toPlain(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (DateTime.isDateTime(value)) return value.toISO();
  if (Duration.isDuration(value)) return value.toISO();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toPlain(v);
    return out;
  }
  if (typeof value === 'function') return null;
  return value;
}

/** Evaluates `=expr` (or a bare expression) against the context; throws FeelError on a parse error. */
export function evaluateFeel(expression: string, context: Record<string, unknown>): unknown {
  const source = expression.trimStart().startsWith('=') ? expression.trimStart().slice(1) : expression;
  let result: { value: unknown };
  try {
    result = evaluate(source, context) as { value: unknown };
  } catch (err) {
    throw new FeelError(expression, (err as Error).message);
  }
  return toPlain(result.value);
}

/** A Zeebe property value: FEEL when it starts with `=`, else the static text. */
export function resolveValue(value: string, context: Record<string, unknown>): unknown {
  return isFeel(value) ? evaluateFeel(value, context) : value;
}

/** Zeebe's truthiness for conditions: only boolean true takes a flow. */
export function evaluateCondition(expression: string, context: Record<string, unknown>): boolean {
  return evaluateFeel(expression, context) === true;
}
