import { eventDefinition, is } from '../model.js';
import { rule } from './support.js';

/** A non-interrupting message boundary event fires only once in bpmn-engine. */
export default rule((node, report) => {
  if (is(node, 'bpmn:BoundaryEvent') && node.get('cancelActivity') === false && is(eventDefinition(node), 'bpmn:MessageEventDefinition')) {
    report(node.id, 'Non-interrupting message boundary events fire only once in the embedded engine; model the message as an interrupting boundary event or a separate wait');
  }
});
