/**
 * The parity scenarios (tests/parity/scenarios.ts) on the embedded adapter:
 * the real BPMN fixtures executed by bpmn-engine on the test database. The
 * Zeebe contract test runs the same scenarios against the gateway stand-in.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ControlledClock } from '../../engine/clock.js';
import { EmbeddedEngine } from '../../engine/embedded/index.js';
import { useTestDatabase } from '../helpers/db.js';
import { assertParity, runScenario, scenarioResources } from './runner.js';
import { scenarios } from './scenarios.js';

const db = useTestDatabase('parity');
// Frozen at the start: nothing here depends on time moving (the fixtures' timers never fall due).
const clock = new ControlledClock('frozen');

describe('parity scenarios on the embedded adapter', () => {
  let engine: EmbeddedEngine;

  beforeAll(async () => {
    engine = new EmbeddedEngine({ connection: db.connection, clock, schedulerIntervalMs: 50 });
    await engine.start();
    const resources = scenarios.flatMap(scenarioResources);
    const unique = [...new Map(resources.map((r) => [r.name, r])).values()];
    await engine.deploy(unique);
  });

  afterAll(async () => {
    await engine.close();
  });

  for (const scenario of scenarios) {
    it(`${scenario.id}: ${scenario.title}`, async () => {
      const observed = await runScenario(engine, scenario);
      assertParity(scenario, observed);
    });
  }
});
