/**
 * The project's bpmnlint plugin (`plugin:propflow/...`): what the embedded
 * engine cannot run, and what the API and the workers rely on.
 */
import camundaUserTask from './camunda-user-task.js';
import feelCommonSubset from './feel-common-subset.js';
import forbiddenVariableNames from './forbidden-variable-names.js';
import noBusinessRuleTask from './no-business-rule-task.js';
import noCallActivity from './no-call-activity.js';
import noEventSubProcess from './no-event-sub-process.js';
import noInclusiveGateway from './no-inclusive-gateway.js';
import noMessageStartEvent from './no-message-start-event.js';
import noMultiInstance from './no-multi-instance.js';
import noNonInterruptingMessageBoundary from './no-non-interrupting-message-boundary.js';
import noScriptTask from './no-script-task.js';
import noTimerStartEvent from './no-timer-start-event.js';
import serviceTaskType from './service-task-type.js';
import type { RuleFactory } from './support.js';
import userTaskForm from './user-task-form.js';
import userTaskKind from './user-task-kind.js';

export const PLUGIN_NAME = 'propflow';

export const rules = {
  'camunda-user-task': camundaUserTask,
  'feel-common-subset': feelCommonSubset,
  'forbidden-variable-names': forbiddenVariableNames,
  'no-business-rule-task': noBusinessRuleTask,
  'no-call-activity': noCallActivity,
  'no-event-sub-process': noEventSubProcess,
  'no-inclusive-gateway': noInclusiveGateway,
  'no-message-start-event': noMessageStartEvent,
  'no-multi-instance': noMultiInstance,
  'no-non-interrupting-message-boundary': noNonInterruptingMessageBoundary,
  'no-script-task': noScriptTask,
  'no-timer-start-event': noTimerStartEvent,
  'service-task-type': serviceTaskType,
  'user-task-form': userTaskForm,
  'user-task-kind': userTaskKind,
} satisfies Record<string, RuleFactory>;

export type ProjectRuleName = keyof typeof rules;

/** `plugin:propflow/recommended`: errors unless the engine merely might not support it. */
export const configs = {
  recommended: {
    rules: Object.fromEntries(
      Object.keys(rules).map((name) => [name, name === 'no-multi-instance' ? 'warn' : 'error']),
    ) as Record<ProjectRuleName, 'error' | 'warn'>,
  },
};
