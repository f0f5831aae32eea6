import { eventDefinition, is } from '../model.js';
import { rule } from './support.js';

/** Message start events are not run by the embedded engine: the API starts instances. */
export default rule((node, report) => {
  if (is(node, 'bpmn:StartEvent') && is(eventDefinition(node), 'bpmn:MessageEventDefinition')) {
    report(node.id, 'Message start events are not supported by the embedded engine; start the process through the API');
  }
});
