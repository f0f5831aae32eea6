import { findExtension, is, str } from '../model.js';
import { rule } from './support.js';

/** Completions are validated against the task's Camunda form: every user task links one by formId. */
export default rule((node, report) => {
  if (!is(node, 'bpmn:UserTask')) return;
  const form = findExtension(node, 'zeebe:FormDefinition');
  const formId = str(form?.get('formId'));
  if (!form || formId === undefined || formId.trim() === '') {
    report(node.id, 'User task must link a Camunda form by <zeebe:formDefinition formId="..."> (a processes/forms/*.form file)');
  } else if (formId.startsWith('=')) {
    report(node.id, 'The form id must be static, not a FEEL expression: the API validates completions against it');
  }
});
