/** The timer of a timer event, as the model states it. */
import { is, type ModdleElement } from '../../engine/lint/index.js';

export interface TimerDefinition {
  kind: 'timeDuration' | 'timeDate' | 'timeCycle';
  value: string;
}

export function eventDefinitionOf(event: ModdleElement): TimerDefinition | undefined {
  const definitions = event.get('eventDefinitions');
  const timer = Array.isArray(definitions) ? (definitions as ModdleElement[]).find((d) => is(d, 'bpmn:TimerEventDefinition')) : undefined;
  if (!timer) return undefined;
  for (const kind of ['timeDuration', 'timeDate', 'timeCycle'] as const) {
    const expression = timer.get(kind) as ModdleElement | undefined;
    if (expression) return { kind, value: String(expression.get('body') ?? '').trim() };
  }
  return undefined;
}
