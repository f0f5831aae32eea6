import { is, taskHeaders } from '../model.js';
import { rule } from './support.js';

/** The tasklist and the API know a task by its `kind` header (api-contract.md). */
export default rule((node, report) => {
  if (!is(node, 'bpmn:UserTask')) return;
  const kind = taskHeaders(node)['kind'];
  if (kind === undefined || kind.trim() === '') {
    report(node.id, 'User task must have a task header <kind> naming its domain step (e.g. sign-off)');
  } else if (!/^[a-z][a-z0-9-]*$/.test(kind)) {
    report(node.id, `Task header <kind> must be kebab-case, got <${kind}>`);
  }
});
