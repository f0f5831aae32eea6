/**
 * A Zeebe gateway stand-in: a gRPC server built with @grpc/grpc-js from the
 * SDK's own gateway protocol (node_modules/@camunda8/sdk/dist/proto/zeebe.proto),
 * listening on 127.0.0.1:0. It records every request as the SDK sent it
 * (int64 as strings, variables as JSON strings — the wire form), answers from
 * the StandInBroker, long-polls job activation like the real gateway, and can
 * be told to reject the next calls of a method (back-pressure).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { BrokerError, Status, type StandInBroker } from './broker.js';

const require = createRequire(import.meta.url);
export const protoPath = path.join(path.dirname(require.resolve('@camunda8/sdk/package.json')), 'dist', 'proto', 'zeebe.proto');

export interface RecordedCall {
  method: string;
  request: Record<string, unknown>;
  at: number;
}

type Unary = (call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, callback: grpc.sendUnaryData<unknown>) => void;

export class GatewayStandIn {
  readonly calls: RecordedCall[] = [];
  private readonly rejections = new Map<string, { code: number; remaining: number }>();
  private readonly server = new grpc.Server();
  private readonly openStreams = new Set<grpc.ServerWritableStream<Record<string, unknown>, unknown>>();
  port = 0;

  constructor(readonly broker: StandInBroker) {}

  get address(): string {
    return `grpc://127.0.0.1:${this.port}`;
  }

  /** The next `count` calls of `method` fail with `code` (RESOURCE_EXHAUSTED by default). */
  reject(method: string, count: number, code: number = Status.RESOURCE_EXHAUSTED): void {
    this.rejections.set(method, { code, remaining: count });
  }

  requests(method: string): Record<string, unknown>[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.request);
  }

  /** Activation streams still open (a worker that did not stop leaves one). */
  get openActivations(): number {
    return this.openStreams.size;
  }

  async start(): Promise<void> {
    const definition = protoLoader.loadSync(protoPath, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
    const proto = grpc.loadPackageDefinition(definition) as unknown as {
      gateway_protocol: { Gateway: { service: grpc.ServiceDefinition } };
    };
    this.server.addService(proto.gateway_protocol.Gateway.service, {
      Topology: this.unary('Topology', () => ({
        brokers: [{ nodeId: 0, host: '127.0.0.1', port: 26501, partitions: [{ partitionId: 1, role: 'LEADER', health: 'HEALTHY' }], version: '8.8.11' }],
        clusterSize: 1,
        partitionsCount: 1,
        replicationFactor: 1,
        gatewayVersion: '8.8.11',
      })),
      DeployResource: this.unary('DeployResource', (req) => {
        const resources = (req.resources as { name: string; content: Buffer }[]) ?? [];
        const { processes, forms } = this.broker.deploy(resources);
        return {
          key: this.broker.nextKey(),
          deployments: [
            ...processes.map((p) => ({
              process: { bpmnProcessId: p.bpmnProcessId, version: p.version, processDefinitionKey: p.key, resourceName: p.resourceName, tenantId: '<default>' },
            })),
            ...forms.map((f) => ({ form: { formId: f.formId, version: f.version, formKey: f.formKey, resourceName: f.resourceName, tenantId: '<default>' } })),
          ],
          tenantId: '<default>',
        };
      }),
      CreateProcessInstance: this.unary('CreateProcessInstance', (req) => {
        const instance = this.broker.createInstance(String(req.bpmnProcessId), Number(req.version), parseJson(req.variables));
        return {
          processDefinitionKey: instance.definition.key,
          bpmnProcessId: instance.definition.bpmnProcessId,
          version: instance.definition.version,
          processInstanceKey: instance.key,
          tenantId: '<default>',
        };
      }),
      CancelProcessInstance: this.unary('CancelProcessInstance', (req) => {
        this.broker.cancel(String(req.processInstanceKey));
        return {};
      }),
      CompleteJob: this.unary('CompleteJob', (req) => {
        this.broker.completeJob(String(req.jobKey), parseJson(req.variables));
        return {};
      }),
      FailJob: this.unary('FailJob', (req) => {
        this.broker.failJob(String(req.jobKey), Number(req.retries), String(req.errorMessage), Number(req.retryBackOff));
        return {};
      }),
      ThrowError: this.unary('ThrowError', (req) => {
        this.broker.throwError(String(req.jobKey), String(req.errorCode), String(req.errorMessage), parseJson(req.variables));
        return {};
      }),
      PublishMessage: this.unary('PublishMessage', (req) => {
        const key = this.broker.publish({
          name: String(req.name),
          correlationKey: String(req.correlationKey),
          timeToLive: Number(req.timeToLive),
          variables: parseJson(req.variables),
          ...(req.messageId ? { messageId: String(req.messageId) } : {}),
        });
        return { key, tenantId: '<default>' };
      }),
      ActivateJobs: (call: grpc.ServerWritableStream<Record<string, unknown>, unknown>) => this.activateJobs(call),
    });
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
    );
  }

  async stop(): Promise<void> {
    for (const stream of this.openStreams) stream.end();
    this.openStreams.clear();
    this.server.forceShutdown();
  }

  private record(method: string, request: Record<string, unknown>): grpc.ServiceError | undefined {
    this.calls.push({ method, request, at: Date.now() });
    const rejection = this.rejections.get(method);
    if (rejection && rejection.remaining > 0) {
      rejection.remaining--;
      const error = new Error(rejection.code === Status.RESOURCE_EXHAUSTED ? 'Reached maximum capacity of requests handled' : 'unavailable');
      return Object.assign(error, { code: rejection.code, details: error.message, metadata: new grpc.Metadata() }) as grpc.ServiceError;
    }
    return undefined;
  }

  private unary(method: string, handle: (req: Record<string, unknown>) => unknown): Unary {
    return (call, callback) => {
      const rejected = this.record(method, call.request);
      if (rejected) return callback(rejected);
      try {
        callback(null, handle(call.request));
      } catch (err) {
        if (err instanceof BrokerError) {
          callback(Object.assign(new Error(err.message), { code: err.code, details: err.message, metadata: new grpc.Metadata() }) as grpc.ServiceError);
        } else callback(err as grpc.ServiceError);
      }
    };
  }

  /** Long polling as the gateway does it: answer at once when jobs are there, else wait up to requestTimeout. */
  private activateJobs(call: grpc.ServerWritableStream<Record<string, unknown>, unknown>): void {
    const req = call.request;
    const rejected = this.record('ActivateJobs', req);
    if (rejected) {
      // grpc-js: an 'error' emitted on a server stream ends the call with that status.
      call.emit('error', rejected);
      return;
    }
    const type = String(req.type);
    const requestTimeout = Number(req.requestTimeout);
    this.openStreams.add(call);
    const timers: { wait?: NodeJS.Timeout; backoff?: NodeJS.Timeout } = {};
    const finish = (): void => {
      this.broker.signal.off('jobs', tryActivate);
      clearTimeout(timers.wait);
      clearTimeout(timers.backoff);
      if (this.openStreams.delete(call)) call.end();
    };
    const tryActivate = (): boolean => {
      if (!this.openStreams.has(call)) return true;
      const jobs = this.broker.activate(type, Number(req.maxJobsToActivate), Number(req.timeout), String(req.worker));
      if (jobs.length === 0) {
        const next = this.broker.nextAvailable(type);
        if (next !== undefined) {
          clearTimeout(timers.backoff);
          timers.backoff = setTimeout(tryActivate, next + 1);
        }
        return false;
      }
      call.write({
        jobs: jobs.map((j) => ({
          key: j.key,
          type: j.type,
          processInstanceKey: j.instance.key,
          bpmnProcessId: j.instance.definition.bpmnProcessId,
          processDefinitionVersion: j.instance.definition.version,
          processDefinitionKey: j.instance.definition.key,
          elementId: j.element.elementId,
          elementInstanceKey: j.element.elementInstanceKey,
          customHeaders: JSON.stringify(j.path.job.headers ?? {}),
          worker: String(req.worker),
          retries: j.retries,
          deadline: String(j.lockedUntil),
          variables: JSON.stringify(j.variables),
          tenantId: '<default>',
        })),
      });
      finish();
      return true;
    };
    call.on('cancelled', finish);
    if (tryActivate()) return;
    if (requestTimeout < 0) return finish();
    this.broker.signal.on('jobs', tryActivate);
    timers.wait = setTimeout(finish, requestTimeout > 0 ? requestTimeout : 10_000);
  }
}

function parseJson(value: unknown): Record<string, unknown> {
  if (typeof value !== 'string' || value === '') return {};
  return JSON.parse(value) as Record<string, unknown>;
}
