import { EngineError, type DeployedProcess, type DeployResource, type ProcessEngine } from '../../engine/port.js';
import { NotFound, ValidationError, type ErrorDetail } from '../errors.js';
import { parseForm } from '../tasks/forms.js';
import type { ModelLinter } from './lint.js';

export interface ProcessServiceDeps {
  engine: ProcessEngine;
  lint: ModelLinter;
  /** Forms deployed through the API are remembered for task validation. */
  onFormsDeployed?: (forms: Record<string, unknown>) => void;
}

const view = (p: DeployedProcess) => ({
  bpmnProcessId: p.bpmnProcessId,
  version: p.version,
  name: p.name,
  deployedAt: p.deployedAt,
  processDefinitionKey: p.processDefinitionKey,
});

export class ProcessService {
  constructor(private readonly deps: ProcessServiceDeps) {}

  async list() {
    const all = await this.deps.engine.listProcesses();
    const items = all.map(view).sort((a, b) => a.bpmnProcessId.localeCompare(b.bpmnProcessId) || a.version - b.version);
    return { items };
  }

  async xml(bpmnProcessId: string, version?: number): Promise<string> {
    const xml = await this.deps.engine.getProcessXml(bpmnProcessId, version);
    if (xml === undefined) {
      throw new NotFound(`Process ${bpmnProcessId}${version !== undefined ? ` version ${version}` : ''} is not deployed.`, 'PROCESS_NOT_FOUND');
    }
    return xml;
  }

  /** Lint only (the modeler's live lint): the findings that would block a deployment. */
  async lint(xml: string): Promise<{ valid: boolean; findings: { path: string; message: string }[] }> {
    let findings;
    try {
      findings = await this.deps.lint(xml);
    } catch (err) {
      findings = [{ path: 'xml', message: err instanceof Error ? err.message : String(err) }];
    }
    return { valid: findings.length === 0, findings };
  }

  async deploy(input: { name: string; xml: string; forms?: { name: string; content: string }[] }) {
    if (!/<([A-Za-z0-9_-]+:)?definitions[\s>]/.test(input.xml)) {
      throw new ValidationError('The model is not BPMN XML.', [{ path: 'xml', message: 'must be a BPMN 2.0 XML document (bpmn:definitions)' }], 'INVALID_MODEL');
    }
    const formDetails: ErrorDetail[] = [];
    const forms: Record<string, unknown> = {};
    (input.forms ?? []).forEach((f, i) => {
      try {
        const json: unknown = JSON.parse(f.content);
        const parsed = parseForm(json);
        forms[parsed.id || f.name.replace(/^.*\//, '').replace(/\.form$/, '')] = json;
      } catch (err) {
        formDetails.push({ path: `forms.${i}.content`, message: `is not a form-js form: ${err instanceof Error ? err.message : String(err)}` });
      }
    });
    if (formDetails.length) throw new ValidationError('A form is invalid.', formDetails, 'INVALID_FORM');

    let findings;
    try {
      findings = await this.deps.lint(input.xml);
    } catch (err) {
      throw new ValidationError('The model could not be read.', [{ path: 'xml', message: err instanceof Error ? err.message : String(err) }], 'INVALID_MODEL');
    }
    if (findings.length > 0) {
      throw new ValidationError(`The model would not deploy on Zeebe: ${findings.length} problem(s).`, findings, 'MODEL_LINT_FAILED');
    }
    const name = /\.bpmn$/i.test(input.name) ? input.name : `${input.name}.bpmn`;
    const resources: DeployResource[] = [
      { name, content: input.xml },
      ...(input.forms ?? []).map((f) => ({ name: f.name.startsWith('forms/') ? f.name : `forms/${f.name}`, content: f.content })),
    ];
    let deployed: DeployedProcess[];
    try {
      deployed = await this.deps.engine.deploy(resources);
    } catch (err) {
      if (err instanceof EngineError && err.code === 'INVALID') {
        throw new ValidationError(err.message, err.details.length ? err.details : [{ path: 'xml', message: err.message }], 'INVALID_MODEL');
      }
      throw err;
    }
    if (deployed.length === 0) {
      throw new ValidationError('The model has no executable process.', [{ path: 'xml', message: 'no process with isExecutable="true"' }], 'INVALID_MODEL');
    }
    if (Object.keys(forms).length) this.deps.onFormsDeployed?.(forms);
    const first = deployed[0];
    return {
      bpmnProcessId: first.bpmnProcessId,
      version: first.version,
      duplicate: Boolean(first.duplicate),
      processes: deployed.map((p) => ({ ...view(p), duplicate: Boolean(p.duplicate) })),
    };
  }
}
