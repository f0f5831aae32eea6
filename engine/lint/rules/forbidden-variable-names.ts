import { FORBIDDEN_VARIABLE_NAMES, collectFeelExpressions, feelSubsetProblems } from '../feel.js';
import { is, owner, str } from '../model.js';
import { rule } from './support.js';

/** Where a model names a variable it writes. */
const WRITTEN: Record<string, string[]> = {
  'zeebe:Input': ['target'],
  'zeebe:Output': ['target'],
  'zeebe:LoopCharacteristics': ['inputElement', 'outputElement', 'outputCollection'],
  'zeebe:CalledDecision': ['resultVariable'],
  'zeebe:Script': ['resultVariable'],
};

const NAMES = FORBIDDEN_VARIABLE_NAMES.join(', ');

/** `fields`, `content` and `properties` are overwritten by the embedded engine (architecture.md). */
export default rule((node, report) => {
  for (const [type, attributes] of Object.entries(WRITTEN)) {
    if (!is(node, type)) continue;
    for (const attribute of attributes) {
      const name = str(node.get(attribute));
      const root = name?.split('.')[0];
      if (name !== undefined && root !== undefined && FORBIDDEN_VARIABLE_NAMES.includes(root)) {
        report(owner(node)?.id, `Variable <${name}> (${type} ${attribute}): the names ${NAMES} are overwritten by the embedded engine`);
      }
    }
  }
  if (is(node, 'bpmn:Definitions')) {
    for (const feel of collectFeelExpressions(node)) {
      for (const problem of feelSubsetProblems(feel.expression)) {
        if (problem.kind === 'forbidden-variable') {
          report(feel.elementId, `${feel.property} <=${feel.expression}> ${problem.message} (${NAMES} are reserved)`);
        }
      }
    }
  }
});
