/**
 * Reading a BPMN file into a moddle tree (bpmn-moddle + the zeebe
 * descriptors) and small helpers over that tree, for the lint rules and the
 * model tests. No engine code here: this only looks at XML.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The slice of a moddle element the rules use. */
export interface ModdleElement {
  readonly $type: string;
  readonly $parent?: ModdleElement;
  readonly $descriptor: ModdleDescriptor;
  readonly id?: string;
  readonly name?: string;
  $instanceOf(type: string): boolean;
  get(name: string): unknown;
  [property: string]: unknown;
}

export interface ModdlePropertyDescriptor {
  name: string;
  type: string;
  isAttr?: boolean;
  isMany?: boolean;
  isReference?: boolean;
  isBody?: boolean;
}

export interface ModdleDescriptor {
  name: string;
  isGeneric?: boolean;
  properties: ModdlePropertyDescriptor[];
}

export interface ParsedModel {
  definitions: ModdleElement;
  /** Problems the XML reader found (unknown elements, unresolved references). */
  warnings: { message: string; unresolved: boolean }[];
}

interface Moddle {
  fromXML(xml: string, typeName?: string): Promise<{ rootElement: ModdleElement; warnings: { message: string }[] }>;
}

type ModdleConstructor = new (packages: Record<string, unknown>) => Moddle;

let moddleConstructor: Promise<ModdleConstructor> | undefined;

/**
 * bpmn-moddle is ESM without typings for its main entry; it is loaded through
 * a dynamic import of a string variable and typed here, instead of a global
 * `declare module` that other layers might declare as well.
 */
function loadModdle(): Promise<ModdleConstructor> {
  const specifier: string = 'bpmn-moddle';
  moddleConstructor ??= import(specifier).then((module: { BpmnModdle: ModdleConstructor }) => module.BpmnModdle);
  return moddleConstructor;
}

const zeebeDescriptor: unknown = require('zeebe-bpmn-moddle/resources/zeebe.json');

export async function createModdle(): Promise<Moddle> {
  const BpmnModdle = await loadModdle();
  return new BpmnModdle({ zeebe: zeebeDescriptor });
}

/** Parses BPMN XML; throws when the XML cannot be read at all. */
export async function parseModel(xml: string): Promise<ParsedModel> {
  const moddle = await createModdle();
  const { rootElement, warnings } = await moddle.fromXML(xml, 'bpmn:Definitions');
  return {
    definitions: rootElement,
    warnings: warnings.map((w) => ({ message: w.message, unresolved: /unresolved reference/i.test(w.message) })),
  };
}

/* ------------------------------------------------------------- helpers */

/** Type test; narrows `unknown` values (an element already typed is not narrowed). */
export function is(element: ModdleElement | undefined, type: string): boolean;
export function is(element: unknown, type: string): element is ModdleElement;
export function is(element: unknown, type: string): boolean {
  return (
    typeof element === 'object' &&
    element !== null &&
    typeof (element as ModdleElement).$instanceOf === 'function' &&
    (element as ModdleElement).$instanceOf(type)
  );
}

/** Exactly this type (not a subtype): `bpmn:Task` is not a `bpmn:UserTask`. */
export function isExactly(element: ModdleElement, type: string): boolean {
  return element.$type === type;
}

export function list(value: unknown): ModdleElement[] {
  return Array.isArray(value) ? (value as ModdleElement[]) : [];
}

export function extensionValues(element: ModdleElement): ModdleElement[] {
  const extensionElements = element.get('extensionElements');
  return is(extensionElements, 'bpmn:ExtensionElements') ? list(extensionElements.get('values')) : [];
}

export function findExtension(element: ModdleElement, type: string): ModdleElement | undefined {
  return extensionValues(element).find((value) => is(value, type));
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Task headers (zeebe:taskHeaders) as a plain record. */
export function taskHeaders(element: ModdleElement): Record<string, string> {
  const headers = findExtension(element, 'zeebe:TaskHeaders');
  const result: Record<string, string> = {};
  for (const header of list(headers?.get('values'))) {
    const key = str(header.get('key'));
    if (key !== undefined) result[key] = str(header.get('value')) ?? '';
  }
  return result;
}

/** The first event definition of an event, if any. */
export function eventDefinition(element: ModdleElement): ModdleElement | undefined {
  return list(element.get('eventDefinitions'))[0];
}

/** Every element of the tree, depth first (extension elements included). */
export function walk(root: ModdleElement, visit: (element: ModdleElement) => void): void {
  visit(root);
  if (root.$descriptor.isGeneric) return;
  for (const property of root.$descriptor.properties) {
    if (property.isAttr || property.isReference || ['String', 'Boolean', 'Integer', 'Real'].includes(property.type)) continue;
    const value = root[property.name];
    if (value === undefined || value === null) continue;
    const children = property.isMany ? list(value) : [value as ModdleElement];
    for (const child of children) {
      if (typeof child === 'object' && child !== null && '$type' in child) walk(child, visit);
    }
  }
}

/** The nearest element (itself or an ancestor) that a person would point at: it has an id and is not an expression or event definition. */
export function owner(element: ModdleElement): ModdleElement | undefined {
  let current: ModdleElement | undefined = element;
  while (current) {
    if (
      typeof current.id === 'string' &&
      current.id !== '' &&
      is(current, 'bpmn:BaseElement') &&
      !is(current, 'bpmn:Expression') &&
      !is(current, 'bpmn:EventDefinition')
    ) {
      return current;
    }
    current = current.$parent;
  }
  return undefined;
}

/** All processes of a definitions element. */
export function processes(definitions: ModdleElement): ModdleElement[] {
  return list(definitions.get('rootElements')).filter((element) => is(element, 'bpmn:Process'));
}

/** All flow elements of a container, sub-processes descended into. */
export function flowElements(container: ModdleElement): ModdleElement[] {
  const result: ModdleElement[] = [];
  for (const element of list(container.get('flowElements'))) {
    result.push(element);
    if (is(element, 'bpmn:SubProcess')) result.push(...flowElements(element));
  }
  return result;
}
