import { collectFeelExpressions, feelSubsetProblems } from '../feel.js';
import { is } from '../model.js';
import { rule } from './support.js';

/** FEEL must mean the same on Zeebe and on feelin (architecture.md, "FEEL gaps"). */
export default rule((node, report) => {
  if (!is(node, 'bpmn:Definitions')) return;
  for (const feel of collectFeelExpressions(node)) {
    for (const problem of feelSubsetProblems(feel.expression)) {
      if (problem.kind === 'forbidden-variable') continue; // reported by forbidden-variable-names
      report(feel.elementId, `${feel.property} <=${feel.expression}>: ${problem.message}`);
    }
  }
});
