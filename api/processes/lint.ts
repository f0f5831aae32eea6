/**
 * The model linter behind POST /api/deployments: the rules of engine/lint
 * (bpmnlint recommended + Camunda 8.8 compatibility + the project's rules for
 * what the embedded engine cannot run). Only errors block a deployment; each
 * becomes one `{path: element id, message}` detail.
 * Tests and tools may pass another ModelLinter to createApp.
 *
 * Why not engine/lint's `lintModel` as is: it keeps one bpmnlint Linter for
 * the life of the process, and bpmnlint instantiates each rule once per
 * Linter. Some rules keep state in their factory closure (core
 * `no-duplicate-sequence-flows` remembers every flow it has seen), so the
 * second lint of the same model in one server reported 256 bogus
 * "duplicate sequence flow" errors and the deployment was refused. A server
 * lints the same model again and again (the modeler's live lint, then the
 * deployment), so here every call gets a fresh Linter with the same
 * configuration and resolver. Once engine/lint makes a Linter per call, this
 * can go back to `lintModel`.
 */
import { createRequire } from 'node:module';
import { LINT_CONFIG, ProjectResolver, parseModel } from '../../engine/lint/index.js';

export interface LintFinding {
  path: string;
  message: string;
}

/** Errors that block deployment (warnings are not returned). */
export type ModelLinter = (xml: string) => Promise<LintFinding[]>;

interface Report {
  id?: string;
  message: string;
  category: 'error' | 'warn' | 'info' | 'rule-error';
}

type LinterClass = new (options: { config: unknown; resolver: unknown }) => { lint(root: unknown): Promise<Record<string, Report[]>> };

const require = createRequire(import.meta.url);
const { Linter } = require('bpmnlint') as { Linter: LinterClass };

const finding = (id: string, rule: string, message: string): LintFinding => ({
  path: id,
  message: rule && !message.includes(rule) ? `${message} (${rule})` : message,
});

export const engineLinter: ModelLinter = async (xml) => {
  let parsed;
  try {
    parsed = await parseModel(xml);
  } catch (error) {
    return [finding('', 'parse', `not a readable BPMN file: ${(error as Error).message}`)];
  }
  const errors = parsed.warnings.filter((w) => w.unresolved).map((w) => finding('', 'parse', w.message));
  const results = await new Linter({ config: LINT_CONFIG, resolver: new ProjectResolver() }).lint(parsed.definitions);
  for (const [rule, reports] of Object.entries(results)) {
    for (const report of reports) {
      if (report.category === 'error' || report.category === 'rule-error') errors.push(finding(report.id ?? '', rule, report.message));
    }
  }
  return errors.sort((a, b) => a.path.localeCompare(b.path) || a.message.localeCompare(b.message));
};
