import { is } from '../model.js';
import { rule } from './support.js';

/** Inclusive-gateway joins run the next step twice in bpmn-engine (architecture.md). */
export default rule((node, report) => {
  if (is(node, 'bpmn:InclusiveGateway')) {
    report(node.id, 'Inclusive gateways are not supported by the embedded engine (a join runs the next step twice); use exclusive or parallel gateways');
  }
});
