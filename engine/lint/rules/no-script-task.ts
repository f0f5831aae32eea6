import { findExtension, is } from '../model.js';
import { rule } from './support.js';

/** zeebe:script does nothing in the embedded engine. */
export default rule((node, report) => {
  if (is(node, 'bpmn:ScriptTask')) {
    report(node.id, 'Script tasks are not supported by the embedded engine (zeebe:script does nothing); use a service task and a worker');
  } else if (is(node, 'bpmn:FlowElement') && findExtension(node, 'zeebe:Script')) {
    report(node.id, 'zeebe:script is not supported by the embedded engine; use a service task and a worker');
  }
});
