/** The shape of a bpmnlint rule, typed for the project's own rules. */
import type { ModdleElement } from '../model.js';

export interface Reporter {
  report(id: string, message: string, path?: string[]): void;
}

export interface Rule {
  check(node: ModdleElement, reporter: Reporter): void;
  meta?: { documentation?: { url?: string } };
}

export type RuleFactory = (config?: unknown) => Rule;

/** A rule that looks at one node at a time. */
export function rule(check: (node: ModdleElement, report: (id: string | undefined, message: string) => void) => void): RuleFactory {
  return () => ({
    check(node, reporter) {
      check(node, (id, message) => reporter.report(id ?? '', message));
    },
  });
}
