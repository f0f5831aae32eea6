import { findExtension, is, str } from '../model.js';
import { rule } from './support.js';

/** A service task is a job for the worker registered for its static type (workers/<type>.ts). */
export default rule((node, report) => {
  if (!is(node, 'bpmn:ServiceTask')) return;
  const type = str(findExtension(node, 'zeebe:TaskDefinition')?.get('type'));
  if (type === undefined || type.trim() === '') {
    report(node.id, 'Service task must have <zeebe:taskDefinition type="..."> naming its worker');
  } else if (type.startsWith('=')) {
    report(node.id, 'The job type must be static (a worker module name), not a FEEL expression');
  } else if (!/^[a-z][a-z0-9-]*$/.test(type)) {
    report(node.id, `Job type must be kebab-case (the worker module's file name), got <${type}>`);
  }
});
