import { eventDefinition, is } from '../model.js';
import { rule } from './support.js';

/** Timer start events are not run by the embedded engine: recurring work comes from the scheduler. */
export default rule((node, report) => {
  if (is(node, 'bpmn:StartEvent') && is(eventDefinition(node), 'bpmn:TimerEventDefinition')) {
    report(node.id, 'Timer start events are not supported by the embedded engine; start the process from the scheduler');
  }
});
