/**
 * The model linter behind POST /api/deployments. The real one is
 * `lintModel` in engine/lint/index.ts (Camunda 8 compatibility and the
 * project's own rules for what the embedded engine cannot run); it is loaded
 * lazily so that the API starts even while that module is absent, in which
 * case deployment relies on the engine's own checks (EngineError INVALID → 400).
 */
import type { Logger } from '../logger.js';

export interface LintFinding {
  path: string;
  message: string;
}

/** Errors that block deployment (warnings are not returned). */
export type ModelLinter = (xml: string) => Promise<LintFinding[]>;

const asRecord = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** Accepts the shapes a linter may return: an array, or {errors}, {findings}, {results}, {issues}. */
export function normalizeFindings(result: unknown): LintFinding[] {
  const r = asRecord(result);
  const list: unknown[] = Array.isArray(result)
    ? result
    : [r.errors, r.findings, r.results, r.issues, r.problems].find((x): x is unknown[] => Array.isArray(x)) ?? [];
  const findings: LintFinding[] = [];
  for (const item of list) {
    const f = asRecord(item);
    const severity = str(f.category) ?? str(f.severity) ?? str(f.level) ?? 'error';
    if (/^(warn|warning|info|hint|off)$/i.test(severity)) continue;
    const path = str(f.path) ?? str(f.elementId) ?? str(f.id) ?? str(f.element) ?? str(f.rule) ?? '';
    const rule = str(f.rule);
    const message = str(f.message) ?? 'invalid model';
    findings.push({ path, message: rule && !message.includes(rule) ? `${message} (${rule})` : message });
  }
  return findings;
}

type LintModule = { lintModel?: (xml: string) => unknown };

/** Loads engine/lint/index lazily; without it, no findings (and one warning in the log). */
export function engineLinter(logger: Logger): ModelLinter {
  let loaded: Promise<((xml: string) => unknown) | undefined> | undefined;
  const load = async (): Promise<((xml: string) => unknown) | undefined> => {
    for (const specifier of ['../../engine/lint/index.js', '../../engine/lint/index.ts']) {
      try {
        // A string variable keeps the compiler from requiring the module to exist yet.
        const mod = (await import(specifier)) as LintModule;
        if (typeof mod.lintModel === 'function') return mod.lintModel;
      } catch {
        // try the next form of the specifier
      }
    }
    logger.warn('engine/lint is not available: deployments are checked by the engine only');
    return undefined;
  };
  return async (xml) => {
    loaded ??= load();
    const lint = await loaded;
    if (!lint) return [];
    return normalizeFindings(await lint(xml));
  };
}
