/**
 * The model lint rejects what the embedded engine cannot run, and Camunda's
 * own 8.8 rules really fire. Each bad model is the smallest that shows it.
 */
import { describe, expect, it } from 'vitest';

import { lintModel, type Finding } from '../../engine/lint/index.js';

const NS =
  'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" ' +
  'xmlns:modeler="http://camunda.org/schema/modeler/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

const USER_TASK_EXT =
  '<zeebe:userTask /><zeebe:formDefinition formId="f" /><zeebe:taskHeaders><zeebe:header key="kind" value="sign-off" /></zeebe:taskHeaders>';

/** A process `p` with the given flow elements; no diagram (no-bpmndi findings are ignored below). */
function model(body: string, attributes = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="d" targetNamespace="http://test" ${attributes}>
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start" name="Start" />
    ${body}
  </bpmn:process>
</bpmn:definitions>`;
}

async function findings(xml: string): Promise<{ errors: Finding[]; warnings: Finding[] }> {
  const result = await lintModel(xml);
  const relevant = (f: Finding): boolean => f.rule !== 'no-bpmndi';
  return { errors: result.errors.filter(relevant), warnings: result.warnings.filter(relevant) };
}

async function errorsOf(xml: string, rule: string): Promise<Finding[]> {
  return (await findings(xml)).errors.filter((f) => f.rule === rule);
}

describe('camunda-compat (camunda-cloud-8-8) rules are active', () => {
  it('reports a service task without a zeebe:taskDefinition (would not deploy on Zeebe)', async () => {
    const errors = await errorsOf(model('<bpmn:serviceTask id="task" name="Task" />'), 'camunda-compat/implementation');
    expect(errors).toEqual([{ id: 'task', rule: 'camunda-compat/implementation', message: expect.stringContaining('zeebe:TaskDefinition') }]);
  });

  it('reports a FEEL syntax error in a condition', async () => {
    const xml = model(`
      <bpmn:exclusiveGateway id="gw" name="G" />
      <bpmn:endEvent id="a" name="A" /><bpmn:endEvent id="b" name="B" />
      <bpmn:sequenceFlow id="fa" sourceRef="gw" targetRef="a"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=priority &lt;=</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="fb" sourceRef="gw" targetRef="b"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=true</bpmn:conditionExpression></bpmn:sequenceFlow>`);
    expect(await errorsOf(xml, 'camunda-compat/feel')).toMatchObject([{ id: 'fa' }]);
  });

  it('lints against 8.8 whatever the file claims as execution platform', async () => {
    const claims7 = 'modeler:executionPlatform="Camunda Platform" modeler:executionPlatformVersion="7.20.0"';
    expect(await errorsOf(model('<bpmn:serviceTask id="task" name="Task" />', claims7), 'camunda-compat/implementation')).toHaveLength(1);
    // zeebe:userTask is an 8.5+ feature: no error although the file claims 8.2
    const claims82 = 'modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.2.0"';
    const ok = await findings(model(`<bpmn:userTask id="ut" name="U"><bpmn:extensionElements>${USER_TASK_EXT}</bpmn:extensionElements></bpmn:userTask>`, claims82));
    expect(ok.errors.filter((f) => f.rule.startsWith('camunda-compat/'))).toEqual([]);
  });
});

describe('project rules: what the embedded engine cannot run', () => {
  const cases: [string, string, string][] = [
    ['propflow/no-inclusive-gateway', '<bpmn:inclusiveGateway id="x" name="X" />', 'x'],
    [
      'propflow/no-event-sub-process',
      '<bpmn:subProcess id="x" triggeredByEvent="true"><bpmn:startEvent id="x-start" name="S"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent></bpmn:subProcess>',
      'x',
    ],
    [
      'propflow/no-non-interrupting-message-boundary',
      `<bpmn:userTask id="t" name="T"><bpmn:extensionElements>${USER_TASK_EXT}</bpmn:extensionElements></bpmn:userTask>
       <bpmn:boundaryEvent id="x" name="X" cancelActivity="false" attachedToRef="t"><bpmn:messageEventDefinition messageRef="m" /></bpmn:boundaryEvent>`,
      'x',
    ],
    ['propflow/no-script-task', '<bpmn:scriptTask id="x" name="X"><bpmn:extensionElements><zeebe:script expression="=1" resultVariable="one" /></bpmn:extensionElements></bpmn:scriptTask>', 'x'],
    ['propflow/no-business-rule-task', '<bpmn:businessRuleTask id="x" name="X"><bpmn:extensionElements><zeebe:calledDecision decisionId="d" resultVariable="r" /></bpmn:extensionElements></bpmn:businessRuleTask>', 'x'],
    ['propflow/no-timer-start-event', '<bpmn:startEvent id="x" name="X"><bpmn:timerEventDefinition><bpmn:timeCycle>R/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>', 'x'],
    ['propflow/no-message-start-event', '<bpmn:startEvent id="x" name="X"><bpmn:messageEventDefinition messageRef="m" /></bpmn:startEvent>', 'x'],
    ['propflow/no-call-activity', '<bpmn:callActivity id="x" name="X"><bpmn:extensionElements><zeebe:calledElement processId="quality" /></bpmn:extensionElements></bpmn:callActivity>', 'x'],
  ];

  it.each(cases)('%s rejects it', async (rule, body, id) => {
    const xml = model(body).replace('</bpmn:process>', '</bpmn:process><bpmn:message id="m" name="m" />');
    expect(await errorsOf(xml, rule)).toMatchObject([{ id, rule }]);
  });

  it('propflow/no-multi-instance warns: the adapter must map zeebe:loopCharacteristics', async () => {
    const xml = model(
      '<bpmn:serviceTask id="x" name="X"><bpmn:extensionElements><zeebe:taskDefinition type="notify" /></bpmn:extensionElements><bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=[1,2]" inputElement="item" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:serviceTask>',
    );
    expect((await findings(xml)).warnings.filter((f) => f.rule === 'propflow/no-multi-instance')).toMatchObject([{ id: 'x' }]);
  });
});

describe('project rules: what the API and the workers rely on', () => {
  it('propflow/camunda-user-task: a job-worker user task is rejected', async () => {
    const xml = model('<bpmn:userTask id="x" name="X"><bpmn:extensionElements><zeebe:formDefinition formId="f" /><zeebe:taskHeaders><zeebe:header key="kind" value="sign-off" /></zeebe:taskHeaders></bpmn:extensionElements></bpmn:userTask>');
    expect(await errorsOf(xml, 'propflow/camunda-user-task')).toMatchObject([{ id: 'x' }]);
  });

  it('propflow/user-task-kind: every user task names its kind, in kebab-case', async () => {
    const missing = model('<bpmn:userTask id="x" name="X"><bpmn:extensionElements><zeebe:userTask /><zeebe:formDefinition formId="f" /></bpmn:extensionElements></bpmn:userTask>');
    expect(await errorsOf(missing, 'propflow/user-task-kind')).toMatchObject([{ id: 'x', message: expect.stringContaining('kind') }]);
    const camel = model(`<bpmn:userTask id="y" name="Y"><bpmn:extensionElements>${USER_TASK_EXT.replace('sign-off', 'SignOff')}</bpmn:extensionElements></bpmn:userTask>`);
    expect(await errorsOf(camel, 'propflow/user-task-kind')).toMatchObject([{ id: 'y', message: expect.stringContaining('kebab-case') }]);
  });

  it('propflow/user-task-form: every user task links a static form id', async () => {
    const missing = model('<bpmn:userTask id="x" name="X"><bpmn:extensionElements><zeebe:userTask /><zeebe:taskHeaders><zeebe:header key="kind" value="sign-off" /></zeebe:taskHeaders></bpmn:extensionElements></bpmn:userTask>');
    expect(await errorsOf(missing, 'propflow/user-task-form')).toMatchObject([{ id: 'x' }]);
    const feel = model(`<bpmn:userTask id="y" name="Y"><bpmn:extensionElements>${USER_TASK_EXT.replace('formId="f"', 'formId="=formName"')}</bpmn:extensionElements></bpmn:userTask>`);
    expect(await errorsOf(feel, 'propflow/user-task-form')).toMatchObject([{ id: 'y', message: expect.stringContaining('static') }]);
  });

  it('propflow/service-task-type: every service task names a static worker type', async () => {
    expect(await errorsOf(model('<bpmn:serviceTask id="x" name="X" />'), 'propflow/service-task-type')).toMatchObject([{ id: 'x' }]);
    const feel = model('<bpmn:serviceTask id="y" name="Y"><bpmn:extensionElements><zeebe:taskDefinition type="=jobType" /></bpmn:extensionElements></bpmn:serviceTask>');
    expect(await errorsOf(feel, 'propflow/service-task-type')).toMatchObject([{ id: 'y', message: expect.stringContaining('static') }]);
  });

  it('propflow/forbidden-variable-names: fields, content and properties are neither written nor read', async () => {
    const written = model(
      '<bpmn:serviceTask id="x" name="X"><bpmn:extensionElements><zeebe:taskDefinition type="notify" /><zeebe:ioMapping><zeebe:output source="=result" target="content" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:serviceTask>',
    );
    expect(await errorsOf(written, 'propflow/forbidden-variable-names')).toMatchObject([{ id: 'x', message: expect.stringContaining('content') }]);
    const read = model(`
      <bpmn:exclusiveGateway id="gw" name="G" default="fb" />
      <bpmn:endEvent id="a" name="A" /><bpmn:endEvent id="b" name="B" />
      <bpmn:sequenceFlow id="fa" sourceRef="gw" targetRef="a"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=fields.priority &lt;= 2 and order.properties = null</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="fb" sourceRef="gw" targetRef="b" />`);
    const errors = await errorsOf(read, 'propflow/forbidden-variable-names');
    expect(errors).toMatchObject([{ id: 'fa', message: expect.stringContaining('<fields>') }]);
  });

  it('propflow/feel-common-subset: Camunda-only FEEL and duration * number are rejected', async () => {
    const xml = model(`
      <bpmn:userTask id="t" name="T"><bpmn:extensionElements>${USER_TASK_EXT}<zeebe:taskSchedule dueDate="=now() + duration(&quot;PT1H&quot;) * 2" /></bpmn:extensionElements></bpmn:userTask>
      <bpmn:exclusiveGateway id="gw" name="G" default="fc" />
      <bpmn:endEvent id="a" name="A" /><bpmn:endEvent id="b" name="B" /><bpmn:endEvent id="c" name="C" />
      <bpmn:sequenceFlow id="fa" sourceRef="gw" targetRef="a"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=get or else(priority, 3) &lt;= 2</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="fb" sourceRef="gw" targetRef="b"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=is defined(plan)</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="fc" sourceRef="gw" targetRef="c" />`);
    const errors = await errorsOf(xml, 'propflow/feel-common-subset');
    expect(errors.map((e) => e.id)).toEqual(['fa', 'fb', 't']);
    expect(errors[1]?.message).toContain('<is defined>');
    expect(errors[2]?.message).toContain('duration * number');
  });

  it('a model inside the subset passes the project rules', async () => {
    const xml = model(`
      <bpmn:userTask id="t" name="T"><bpmn:extensionElements>${USER_TASK_EXT}<zeebe:assignmentDefinition candidateGroups="=&quot;unit:&quot; + currentUnitId" /><zeebe:taskSchedule dueDate="=contactDueAt" /></bpmn:extensionElements></bpmn:userTask>
      <bpmn:serviceTask id="s" name="S"><bpmn:extensionElements><zeebe:taskDefinition type="notify" /></bpmn:extensionElements></bpmn:serviceTask>`);
    expect((await findings(xml)).errors.filter((f) => f.rule.startsWith('propflow/'))).toEqual([]);
  });
});

describe('one model after another', () => {
  it('a flow is not a duplicate of a flow with the same ends in a model linted before (bpmnlint rules keep state)', async () => {
    const xml = model(`
      <bpmn:endEvent id="end" name="End" />
      <bpmn:sequenceFlow id="f" sourceRef="start" targetRef="end" />`);
    const first = await findings(xml);
    const second = await findings(xml);
    expect(second.errors.filter((f) => f.rule === 'no-duplicate-sequence-flows')).toEqual([]);
    expect(second).toEqual(first);
  });
});

describe('unreadable input', () => {
  it('is an error finding, not a throw', async () => {
    expect(await lintModel('not xml at all')).toMatchObject({ errors: [{ id: '', rule: 'parse' }] });
  });

  it('reports a sequence flow to an element that does not exist', async () => {
    const result = await lintModel(model('<bpmn:sequenceFlow id="f" sourceRef="start" targetRef="nowhere" />'));
    expect(result.errors.filter((f) => f.rule === 'parse')).toMatchObject([{ message: expect.stringContaining('nowhere') }]);
  });
});
