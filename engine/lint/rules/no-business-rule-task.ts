import { is } from '../model.js';
import { rule } from './support.js';

/** Business rule tasks (zeebe:calledDecision) have no DMN engine behind them in the embedded engine. */
export default rule((node, report) => {
  if (is(node, 'bpmn:BusinessRuleTask')) {
    report(node.id, 'Business rule tasks are not supported by the embedded engine (no DMN); use a service task and a worker');
  }
});
