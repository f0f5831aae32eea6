/**
 * The model linter behind POST /api/deployments: `lintModel` from
 * engine/lint (bpmnlint recommended + Camunda 8.8 compatibility + the
 * project's rules for what the embedded engine cannot run). Only errors block
 * a deployment; each becomes one `{path: element id, message}` detail.
 * Tests and tools may pass another ModelLinter to createApp.
 */
import { lintModel } from '../../engine/lint/index.js';

export interface LintFinding {
  path: string;
  message: string;
}

/** Errors that block deployment (warnings are not returned). */
export type ModelLinter = (xml: string) => Promise<LintFinding[]>;

export const engineLinter: ModelLinter = async (xml) => {
  const result = await lintModel(xml);
  return result.errors.map((f) => ({
    path: f.id,
    message: f.rule && !f.message.includes(f.rule) ? `${f.message} (${f.rule})` : f.message,
  }));
};
