/**
 * Reads a Camunda 8 BPMN model once per deployment: the zeebe extension data
 * of every element (what bpmn-engine does not interpret) and the serialized
 * context that every instance of the deployment reuses (parsing per instance
 * would cost a third of the throughput).
 */
import { createRequire } from 'node:module';
import { BpmnModdle } from 'bpmn-moddle';
import * as Elements from 'bpmn-elements';
import serializer, { TypeResolver } from 'moddle-context-serializer';

const require = createRequire(import.meta.url);
// The zeebe moddle descriptor is a JSON resource of zeebe-bpmn-moddle.
const zeebeDescriptor = require('zeebe-bpmn-moddle/resources/zeebe.json') as object;

export const moddleOptions = { zeebe: zeebeDescriptor };

export interface IoParameter {
  source: string;
  target: string;
}

export interface ElementInfo {
  id: string;
  type: string;
  name: string;
  documentation?: string;
  taskType?: string;
  retries?: string;
  headers: Record<string, string>;
  inputs: IoParameter[];
  outputs: IoParameter[];
  userTask: boolean;
  assignee?: string;
  candidateGroups?: string;
  candidateUsers?: string;
  formId?: string;
  formKey?: string;
  dueDate?: string;
  followUpDate?: string;
  /** Boundary events: the element they sit on, and whether they interrupt it. */
  attachedTo?: string;
  cancelActivity?: boolean;
  timer?: { kind: 'timeDuration' | 'timeDate' | 'timeCycle'; value: string };
  /** Error events: the error code they catch or throw (undefined = any). */
  errorCode?: string;
  isErrorEvent?: boolean;
  /** Message events: message name and correlation key expression. */
  messageName?: string;
  correlationKey?: string;
  calledProcessId?: string;
}

export interface ProcessModel {
  bpmnProcessId: string;
  name: string;
  elements: Map<string, ElementInfo>;
  /** Boundary events by the id of the activity they are attached to. */
  boundaries: Map<string, ElementInfo[]>;
  /** The serialized context handed to every bpmn-engine instance. */
  sourceContext: unknown;
  definitionsId: string;
}

export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }
}

// Moddle elements are dynamic objects keyed by their descriptor; a precise type buys nothing here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ModdleElement = any;

/**
 * Dead-path elimination without the walk. bpmn-elements propagates a
 * discarded sequence flow through everything downstream of it, once per path:
 * a merge gateway reached by two discarded flows discards its outbound flows
 * twice, so a model with many exclusive merges in a row (repair.bpmn) walks an
 * exponential number of paths — ≈ 9 000 flow discards per repair lifecycle,
 * most of the engine's CPU. A discard only matters to a parallel join (it
 * waits for a take or a discard on each inbound flow); everywhere else it just
 * discards again. So a flow from which no parallel join is reachable ends the
 * walk at once, the way bpmn-elements itself ends a discard that loops back
 * (`flow.looped`, which the process execution counts as the flow being done).
 * Flows that can reach a parallel join keep the full walk.
 */
function pruningTypes(definitions: ModdleElement): Record<string, unknown> {
  const incoming = new Map<string, string[]>(); // target id → source ids
  const joins: string[] = [];
  const visit = (container: ModdleElement): void => {
    for (const el of container.flowElements ?? []) {
      if (el.$type === 'bpmn:SequenceFlow') {
        const target = el.targetRef?.id;
        const source = el.sourceRef?.id;
        if (target && source) incoming.set(target, [...(incoming.get(target) ?? []), source]);
      }
      if (el.flowElements) visit(el);
    }
  };
  for (const root of definitions.rootElements ?? []) visit(root);
  const byId = new Map<string, ModdleElement>();
  const index = (container: ModdleElement): void => {
    for (const el of container.flowElements ?? []) {
      byId.set(el.id, el);
      if (el.flowElements) index(el);
    }
  };
  for (const root of definitions.rootElements ?? []) index(root);
  for (const [target, sources] of incoming) {
    if (byId.get(target)?.$type === 'bpmn:ParallelGateway' && sources.length > 1) joins.push(target);
  }
  // Every element from which a parallel join can be reached (the joins included).
  const reachesJoin = new Set<string>(joins);
  const queue = [...joins];
  while (queue.length) {
    const id = queue.pop() as string;
    for (const source of incoming.get(id) ?? []) {
      if (!reachesJoin.has(source)) {
        reachesJoin.add(source);
        queue.push(source);
      }
    }
  }
  const Base = Elements.SequenceFlow as unknown as { prototype: Record<string, unknown> } & ((...args: unknown[]) => void);
  const kCounters = Symbol.for('counters');
  function SequenceFlow(this: ModdleElement, flowDef: ModdleElement, context: unknown): void {
    Base.call(this, flowDef, context);
    this.discardEndsHere = !reachesJoin.has(flowDef.targetId);
  }
  SequenceFlow.prototype = Object.create(Base.prototype);
  SequenceFlow.prototype.constructor = SequenceFlow;
  SequenceFlow.prototype.discard = function discard(this: ModdleElement, content: ModdleElement = {}) {
    if (!this.discardEndsHere) return (Base.prototype.discard as (c: unknown) => unknown).call(this, content);
    ++this[kCounters].looped;
    return this._publishEvent('looped', content);
  };
  return { ...Elements, SequenceFlow };
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && 'body' in (value as object)) return String((value as { body: unknown }).body ?? '');
  return String(value);
}

function readElement(el: ModdleElement): ElementInfo {
  const info: ElementInfo = {
    id: el.id,
    type: el.$type,
    name: el.name ?? el.id,
    headers: {},
    inputs: [],
    outputs: [],
    userTask: false,
  };
  const doc = (el.documentation ?? []).map((d: ModdleElement) => d.text).join('\n');
  if (doc) info.documentation = doc;

  for (const ext of el.extensionElements?.values ?? []) {
    switch (ext.$type) {
      case 'zeebe:TaskDefinition':
        info.taskType = ext.type;
        if (ext.retries !== undefined) info.retries = String(ext.retries);
        break;
      case 'zeebe:TaskHeaders':
        for (const h of ext.values ?? []) info.headers[h.key] = h.value ?? '';
        break;
      case 'zeebe:IoMapping':
        for (const p of ext.inputParameters ?? []) info.inputs.push({ source: p.source ?? '', target: p.target });
        for (const p of ext.outputParameters ?? []) info.outputs.push({ source: p.source ?? '', target: p.target });
        break;
      case 'zeebe:UserTask':
        info.userTask = true;
        break;
      case 'zeebe:AssignmentDefinition':
        if (ext.assignee) info.assignee = ext.assignee;
        if (ext.candidateGroups) info.candidateGroups = ext.candidateGroups;
        if (ext.candidateUsers) info.candidateUsers = ext.candidateUsers;
        break;
      case 'zeebe:FormDefinition':
        if (ext.formId) info.formId = ext.formId;
        if (ext.formKey) info.formKey = ext.formKey;
        break;
      case 'zeebe:TaskSchedule':
        if (ext.dueDate) info.dueDate = ext.dueDate;
        if (ext.followUpDate) info.followUpDate = ext.followUpDate;
        break;
      case 'zeebe:CalledElement':
        if (ext.processId) info.calledProcessId = ext.processId;
        break;
      default:
        break;
    }
  }

  if (el.$type === 'bpmn:BoundaryEvent') {
    info.attachedTo = el.attachedToRef?.id;
    info.cancelActivity = el.cancelActivity !== false;
  }
  for (const def of el.eventDefinitions ?? []) {
    if (def.$type === 'bpmn:TimerEventDefinition') {
      for (const kind of ['timeDuration', 'timeDate', 'timeCycle'] as const) {
        const v = text(def[kind]);
        if (v !== undefined) info.timer = { kind, value: v.trim() };
      }
    } else if (def.$type === 'bpmn:ErrorEventDefinition') {
      info.isErrorEvent = true;
      const code = def.errorRef?.errorCode;
      if (code !== undefined && code !== null && code !== '') info.errorCode = String(code);
    } else if (def.$type === 'bpmn:MessageEventDefinition') {
      readMessage(info, def.messageRef);
    }
  }
  if (el.$type === 'bpmn:ReceiveTask') readMessage(info, el.messageRef);
  return info;
}

function readMessage(info: ElementInfo, message: ModdleElement): void {
  if (!message) return;
  info.messageName = message.name;
  for (const ext of message.extensionElements?.values ?? []) {
    if (ext.$type === 'zeebe:Subscription' && ext.correlationKey) info.correlationKey = ext.correlationKey;
  }
}

function walk(container: ModdleElement, into: Map<string, ElementInfo>): void {
  for (const el of container.flowElements ?? []) {
    if (el.$type === 'bpmn:SequenceFlow') continue;
    into.set(el.id, readElement(el));
    if (el.flowElements) walk(el, into);
  }
}

/** Parses the XML and returns one model per executable process. */
export async function readModel(xml: string): Promise<ProcessModel[]> {
  const moddle = new BpmnModdle(moddleOptions);
  let parsed: { rootElement: ModdleElement; warnings: { message: string }[] };
  try {
    parsed = (await moddle.fromXML(xml.trim())) as typeof parsed;
  } catch (err) {
    throw new ModelError(`not a BPMN 2.0 document: ${(err as Error).message}`);
  }
  const definitions = parsed.rootElement;
  if (!definitions || definitions.$type !== 'bpmn:Definitions') throw new ModelError('not a BPMN 2.0 document');
  const processes: ModdleElement[] = (definitions.rootElements ?? []).filter(
    (e: ModdleElement) => e.$type === 'bpmn:Process' && e.isExecutable,
  );
  if (processes.length === 0) throw new ModelError('the model has no executable process');
  if (processes.length > 1) throw new ModelError('one executable process per file: split the model');

  const sourceContext = serializer(parsed as never, TypeResolver(pruningTypes(definitions) as never));
  return processes.map((proc) => {
    const elements = new Map<string, ElementInfo>();
    walk(proc, elements);
    const boundaries = new Map<string, ElementInfo[]>();
    for (const e of elements.values()) {
      if (e.attachedTo) boundaries.set(e.attachedTo, [...(boundaries.get(e.attachedTo) ?? []), e]);
    }
    return {
      bpmnProcessId: proc.id,
      name: proc.name ?? proc.id,
      elements,
      boundaries,
      sourceContext,
      definitionsId: definitions.id,
    };
  });
}
