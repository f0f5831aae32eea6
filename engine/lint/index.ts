/**
 * Model lint: would this BPMN deploy on Camunda 8.8, and does it run on the
 * embedded engine the way it runs on Zeebe? Used by POST /api/deployments
 * (400 with the findings) and by the model tests.
 *
 * Rules: bpmnlint's recommended set, Camunda's own compatibility rules for
 * 8.8 (`plugin:camunda-compat/camunda-cloud-8-8`, always 8.8, whatever the
 * file's executionPlatform attributes say) and the project's plugin
 * (engine/lint/rules, `propflow/*`).
 */
import { createRequire } from 'node:module';

import { parseModel } from './model.js';
import { PLUGIN_NAME, configs as projectConfigs, rules as projectRules } from './rules/index.js';
import type { RuleFactory } from './rules/support.js';

export { collectFeelExpressions, feelSubsetProblems, FORBIDDEN_VARIABLE_NAMES } from './feel.js';
export type { FeelExpression, FeelProblem } from './feel.js';
export { parseModel, taskHeaders, findExtension, processes, flowElements, is } from './model.js';
export type { ModdleElement } from './model.js';

export interface Finding {
  /** Id of the element the finding is about ('' when it is about the file). */
  id: string;
  /** Rule name: `propflow/...`, `camunda-compat/...`, a bpmnlint core rule, or `parse`. */
  rule: string;
  message: string;
}

export interface LintResult {
  errors: Finding[];
  warnings: Finding[];
}

/** The configuration every model is linted with. */
export const LINT_CONFIG = {
  extends: ['bpmnlint:recommended', 'plugin:camunda-compat/camunda-cloud-8-8', `plugin:${PLUGIN_NAME}/recommended`],
  rules: {
    // Names help, but a process owner's unnamed gateway should not block a deployment.
    'label-required': 'warn',
  },
} as const;

interface Report {
  id?: string;
  message: string;
  category: 'error' | 'warn' | 'info' | 'rule-error';
}

interface BpmnLinter {
  lint(root: unknown, config?: unknown): Promise<Record<string, Report[]>>;
}

interface Resolver {
  resolveRule(pkg: string, ruleName: string): unknown;
  resolveConfig(pkg: string, configName: string): unknown;
}

const require = createRequire(import.meta.url);
const { Linter } = require('bpmnlint') as { Linter: new (options: { config: unknown; resolver: Resolver }) => BpmnLinter };
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver') as new (options: { require: NodeJS.Require }) => Resolver;

const PROJECT_PACKAGE = `bpmnlint-plugin-${PLUGIN_NAME}`;

/**
 * Resolves the project's plugin from engine/lint/rules (typed modules, no
 * package to install) and everything else through node resolution from here.
 */
export class ProjectResolver implements Resolver {
  private readonly node = new NodeResolver({ require });

  resolveRule(pkg: string, ruleName: string): RuleFactory | unknown {
    if (pkg === PROJECT_PACKAGE) {
      const factory = (projectRules as Record<string, RuleFactory>)[ruleName];
      if (!factory) throw new Error(`unknown rule <${PLUGIN_NAME}/${ruleName}>`);
      return factory;
    }
    return this.node.resolveRule(pkg, ruleName);
  }

  resolveConfig(pkg: string, configName: string): unknown {
    if (pkg === PROJECT_PACKAGE) {
      const config = (projectConfigs as Record<string, unknown>)[configName];
      if (!config) throw new Error(`unknown config <plugin:${PLUGIN_NAME}/${configName}>`);
      return config;
    }
    return this.node.resolveConfig(pkg, configName);
  }
}

/**
 * A fresh linter per model: bpmnlint caches rule instances per linter, and some
 * rules keep state in them (no-duplicate-sequence-flows remembers every flow it
 * saw), so a shared linter reported a flow of one model as a duplicate of an
 * earlier model's flow with the same source and target ids.
 */
function getLinter(): BpmnLinter {
  return new Linter({ config: LINT_CONFIG, resolver: new ProjectResolver() });
}

const byIdThenRule = (a: Finding, b: Finding): number => a.id.localeCompare(b.id) || a.rule.localeCompare(b.rule);

/** Lints one BPMN file. Never throws for bad input: unreadable XML is an error finding. */
export async function lintModel(xml: string): Promise<LintResult> {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];

  let parsed;
  try {
    parsed = await parseModel(xml);
  } catch (error) {
    return { errors: [{ id: '', rule: 'parse', message: `not a readable BPMN file: ${(error as Error).message}` }], warnings };
  }
  for (const warning of parsed.warnings) {
    (warning.unresolved ? errors : warnings).push({ id: '', rule: 'parse', message: warning.message });
  }

  const results = await getLinter().lint(parsed.definitions);
  for (const [rule, reports] of Object.entries(results)) {
    for (const report of reports) {
      const finding: Finding = { id: report.id ?? '', rule, message: report.message };
      if (report.category === 'error' || report.category === 'rule-error') errors.push(finding);
      else warnings.push(finding);
    }
  }
  return { errors: errors.sort(byIdThenRule), warnings: warnings.sort(byIdThenRule) };
}
