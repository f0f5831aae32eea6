/**
 * The FEEL expressions of a model, and whether each stays inside the subset
 * that both Zeebe (feel-scala) and the embedded engine (@bpmn-io/feelin) run
 * the same way (architecture.md, "FEEL gaps in feelin vs Zeebe").
 */
import { evaluate, parseExpression } from '@bpmn-io/feelin';

import { is, owner, walk, type ModdleElement } from './model.js';

export interface FeelExpression {
  /** Id of the element a person would open in the modeler. */
  elementId: string;
  /** Where it sits, e.g. `conditionExpression`, `zeebe:AssignmentDefinition.candidateGroups`. */
  property: string;
  /** The expression without its leading `=`. */
  expression: string;
  /** The moddle element holding the text (for rules that report on it). */
  element: ModdleElement;
}

/** Attributes that never hold FEEL even when they start with `=`. */
const NOT_FEEL = new Set(['id', 'name', 'target', 'key', 'formId', 'formKey']);

/** Element types whose strings are never FEEL (Zeebe headers are static). */
const STATIC_TYPES = ['zeebe:Header', 'bpmn:Documentation', 'zeebe:UserTaskForm'];

/** Every FEEL expression (`=...`) in the tree below `root`. */
export function collectFeelExpressions(root: ModdleElement): FeelExpression[] {
  const found: FeelExpression[] = [];
  walk(root, (element) => {
    if (STATIC_TYPES.some((type) => is(element, type))) return;
    if (element.$descriptor.isGeneric) return;
    for (const property of element.$descriptor.properties) {
      if (NOT_FEEL.has(property.name) || property.isReference || property.isMany) continue;
      const isText = property.isAttr || property.isBody || property.type === 'String';
      if (!isText) continue;
      const value = element[property.name];
      if (typeof value !== 'string' || !value.startsWith('=')) continue;
      const holder = owner(element);
      found.push({
        elementId: holder?.id ?? '',
        property: describe(element, holder, property.name),
        expression: value.slice(1),
        element,
      });
    }
  });
  return found;
}

function describe(element: ModdleElement, holder: ModdleElement | undefined, property: string): string {
  if (element === holder) return property;
  // an expression element: name it by the property of its parent that holds it
  const parent = element.$parent;
  if (is(element, 'bpmn:Expression') && parent) {
    const slot = parent.$descriptor.properties.find((p) => parent[p.name] === element);
    if (slot) return is(parent, 'bpmn:EventDefinition') ? `${parent.$type}.${slot.name}` : slot.name;
  }
  return `${element.$type}.${property}`;
}

/* ------------------------------------------------------- subset checks */

interface SyntaxNodeLike {
  name: string;
  from: number;
  to: number;
  type: { isError: boolean };
  node: { parent: SyntaxNodeLike | null; firstChild: SyntaxNodeLike | null; nextSibling: SyntaxNodeLike | null };
}

const builtinCache = new Map<string, boolean>();

/** True when feelin knows a built-in function of this name. */
export function isFeelinBuiltin(name: string): boolean {
  let known = builtinCache.get(name);
  if (known === undefined) {
    try {
      known = typeof evaluate(name, {}).value === 'function';
    } catch {
      known = false;
    }
    builtinCache.set(name, known);
  }
  return known;
}

/** Names the embedded engine overwrites (architecture.md): never process variables. */
export const FORBIDDEN_VARIABLE_NAMES: readonly string[] = ['fields', 'content', 'properties'];

export interface FeelProblem {
  kind: 'syntax' | 'function' | 'duration-arithmetic' | 'forbidden-variable';
  message: string;
}

/**
 * Problems of one expression (without `=`) for the embedded engine: syntax
 * feelin cannot read, functions feelin lacks (Camunda extensions such as
 * `get or else`, `is defined`, `trim`), `duration * number` (null in feelin),
 * and reads of variable names the engine overwrites.
 */
export function feelSubsetProblems(expression: string): FeelProblem[] {
  const problems: FeelProblem[] = [];
  let tree;
  try {
    tree = parseExpression(expression, {}, undefined);
  } catch (error) {
    return [{ kind: 'syntax', message: `feelin cannot parse it: ${(error as Error).message}` }];
  }
  const text = (node: { from: number; to: number }): string => expression.slice(node.from, node.to);
  let syntaxReported = false;
  tree.iterate({
    enter: (ref) => {
      const node = ref.node as unknown as SyntaxNodeLike;
      if (ref.type.isError && !syntaxReported) {
        syntaxReported = true;
        problems.push({
          kind: 'syntax',
          message: `feelin cannot parse it near <${text(ref) || expression.slice(ref.from, ref.from + 10)}> (column ${ref.from + 1}); Camunda-only syntax such as \`get or else\` is not in the common subset`,
        });
      }
      if (ref.name === 'FunctionInvocation') {
        const callee = node.node.firstChild;
        if (callee && (callee.name === 'VariableName' || callee.name === 'Name')) {
          const name = text(callee).trim();
          if (!isFeelinBuiltin(name)) {
            problems.push({
              kind: 'function',
              message: `function <${name}> is not available in the embedded engine (feelin); stay inside the FEEL subset both engines share`,
            });
          }
        }
      }
      if (ref.name === 'ArithmeticExpression') {
        const operands: SyntaxNodeLike[] = [];
        let op = '';
        for (let child = node.node.firstChild; child; child = child.node.nextSibling) {
          if (child.name === 'ArithOp') op = text(child).trim();
          else operands.push(child);
        }
        if ((op === '*' || op === '/') && operands.some((operand) => isDurationLiteral(text(operand)))) {
          problems.push({
            kind: 'duration-arithmetic',
            message: `<${text(ref)}>: duration ${op} number is null in feelin; compute the date in a worker or write the duration out`,
          });
        }
      }
      if (ref.name === 'VariableName') {
        const name = text(ref).trim();
        const before = expression.slice(0, ref.from).trimEnd();
        if (FORBIDDEN_VARIABLE_NAMES.includes(name) && !before.endsWith('.')) {
          problems.push({
            kind: 'forbidden-variable',
            message: `reads variable <${name}>, a name the embedded engine overwrites`,
          });
        }
      }
    },
  });
  return problems;
}

function isDurationLiteral(operand: string): boolean {
  const trimmed = operand.trim();
  return /^duration\s*\(/.test(trimmed) || /^@"-?P/.test(trimmed) || /^years and months duration\s*\(/.test(trimmed);
}
