import { is } from '../model.js';
import { rule } from './support.js';

/** zeebe:loopCharacteristics must be mapped onto bpmn-engine's collection / elementVariable. */
export default rule((node, report) => {
  if (is(node, 'bpmn:Activity') && is(node.get('loopCharacteristics'), 'bpmn:MultiInstanceLoopCharacteristics')) {
    report(node.id, 'Multi-instance activities need the embedded engine to map zeebe:loopCharacteristics; check that the adapter supports this one');
  }
});
