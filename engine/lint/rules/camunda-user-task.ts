import { findExtension, is } from '../model.js';
import { rule } from './support.js';

/** Every user task is a Camunda user task (zeebe:userTask), the 8.8 default the adapters implement. */
export default rule((node, report) => {
  if (is(node, 'bpmn:UserTask') && !findExtension(node, 'zeebe:UserTask')) {
    report(node.id, 'User task must be a Camunda user task (<zeebe:userTask/>); job-worker user tasks are not supported');
  }
});
