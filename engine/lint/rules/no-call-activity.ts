import { is } from '../model.js';
import { rule } from './support.js';

/** bpmn-engine ignores zeebe:calledElement; the glue does not start child processes yet. */
export default rule((node, report) => {
  if (is(node, 'bpmn:CallActivity')) {
    report(node.id, 'Call activities are not supported by the embedded engine yet; link procedures through a service task (e.g. link-procedure)');
  }
});
