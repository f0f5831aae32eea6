import { is } from '../model.js';
import { rule } from './support.js';

/** Event sub-processes started by outside events do not work in the embedded engine. */
export default rule((node, report) => {
  if (is(node, 'bpmn:SubProcess') && node.get('triggeredByEvent') === true) {
    report(node.id, 'Event sub-processes are not supported by the embedded engine; use boundary events on the activities instead');
  }
});
