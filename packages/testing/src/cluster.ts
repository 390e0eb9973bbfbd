import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatClient, type ChatClientEvent } from '@relay/chat-client';
import { type ChatMessage, Topics } from '@relay/contracts';
import { type SignedInUser, type TestUser, UserFactory } from '@relay/gateway';
import { ensureTopics, kafkaEnv, relayTopics, startGroupAtEnd } from '@relay/kafka';
import { kafkaBrokers } from './kafka-records.ts';
import { freePort, type ServiceProcess, startProcess } from './processes.ts';

/** The repository root, where the entry points are. */
export const ROOT = join(import.meta.dirname, '..', '..', '..');
const entry = (path: string) => join(ROOT, path);

export interface ClusterOptions {
  gateways?: number;
  chatStore?: 'sqlite' | 'postgres';
  /** Also starts convert-api and convert-worker (the warm LibreOffice pool). */
  convert?: boolean;
  /**
   * Topics of this cluster's own (KAFKA_TOPIC_PREFIX), created before it starts: its events stay out
   * of the shared `chat_service`, where the real `chat-service` group would persist them later.
   */
  topicPrefix?: string;
  env?: Record<string, string>;
}

/**
 * A whole Relay backend as separate processes on free ports, against the running local
 * infrastructure: N gateways, gateway-worker, chat-api and chat-consumer (its own consumer
 * group and SQLite file, so runs never share state).
 */
export class Cluster {
  readonly gateways: { url: string; process: ServiceProcess; env: Record<string, string> }[] = [];
  chatApi!: ServiceProcess;
  /** The chat-consumer started last; `consumers` holds every one started. */
  consumer!: ServiceProcess;
  readonly consumers: ServiceProcess[] = [];
  convertApi: ServiceProcess | undefined;
  /** The convert-worker started last; `convertWorkers` holds every one started. */
  convertWorker: ServiceProcess | undefined;
  readonly convertWorkers: ServiceProcess[] = [];
  #consumerGroupPlaced = false;
  worker!: ServiceProcess;
  readonly sqlitePath: string;
  readonly #dir: string;
  readonly #env: Record<string, string>;
  readonly #consumerEnv: Record<string, string>;
  readonly #clients: RecordingClient[] = [];
  #users: Promise<UserFactory> | undefined;

  private constructor(env: Record<string, string>) {
    this.#dir = mkdtempSync(join(tmpdir(), 'relay-cluster-'));
    this.sqlitePath = join(this.#dir, 'chat.sqlite');
    this.#env = { ...env, CHAT_SQLITE_PATH: this.sqlitePath };
    // Static membership: a consumer killed and restarted gets its partitions back at once.
    this.#consumerEnv = {
      ...this.#env,
      CHAT_CONSUMER_GROUP: `chat-service-test-${randomUUID()}`,
      CHAT_CONSUMER_INSTANCE_ID: 'chat-consumer-0',
    };
  }

  static async start(options: ClusterOptions = {}): Promise<Cluster> {
    const [chatPort, convertPort, convertWorkerPort, ...gatewayPorts] = await Promise.all(
      Array.from({ length: 3 + (options.gateways ?? 2) }, () => freePort()),
    );
    const env: Record<string, string> = {
      LOG_LEVEL: 'warn',
      CHAT_STORE: options.chatStore ?? 'sqlite',
      CHAT_PORT: String(chatPort),
      CHAT_URL: `http://127.0.0.1:${chatPort}`,
      CONVERT_PORT: String(convertPort),
      CONVERT_URL: `http://127.0.0.1:${convertPort}`,
      CONVERT_WORKER_PORT: String(convertWorkerPort),
      // Queues and groups of this cluster's own: no other run's worker takes its jobs.
      JOBS_PREFIX: `relay-jobs-test-${randomUUID().slice(0, 8)}`,
      GATEWAY_JWKS_URL: `http://127.0.0.1:${gatewayPorts[0]}/.well-known/jwks.json`,
      AUTH_RATE_LIMIT_PER_IP: '100000',
      AUTH_RATE_LIMIT_PER_ACCOUNT: '100000',
      CHAT_SEND_RATE_PER_SECOND: '100000',
      ...(options.topicPrefix === undefined ? {} : { KAFKA_TOPIC_PREFIX: options.topicPrefix }),
      ...options.env,
    };
    if (options.topicPrefix !== undefined) {
      const partitions = kafkaEnv.KAFKA_CHAT_PARTITIONS.parse(process.env.KAFKA_CHAT_PARTITIONS);
      await ensureTopics(kafkaBrokers(), relayTopics(partitions, options.topicPrefix));
    }
    const cluster = new Cluster(env);
    try {
      for (const port of gatewayPorts) await cluster.#startGateway(port as number);
      cluster.worker = await startProcess(entry('services/gateway/src/worker.ts'), { env: cluster.#env });
      cluster.chatApi = await startProcess(entry('services/chat/src/main.ts'), {
        env: cluster.#env,
        readyUrl: `${env.CHAT_URL}/readyz`,
      });
      await cluster.startConsumer();
      if (options.convert === true) {
        cluster.convertApi = await startProcess(entry('services/convert/src/main.ts'), {
          env: cluster.#env,
          readyUrl: `${env.CONVERT_URL}/readyz`,
        });
        await cluster.startConvertWorker();
      }
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  get chatUrl(): string {
    return this.#env.CHAT_URL as string;
  }

  get gatewayUrls(): string[] {
    return this.gateways.map((gateway) => gateway.url);
  }

  /**
   * Starts chat-consumer; its group begins at the topic's end as of the first start. Another
   * `instanceId` adds a member to the group (static membership: one id per running consumer).
   */
  async startConsumer(instanceId = 'chat-consumer-0'): Promise<ServiceProcess> {
    if (!this.#consumerGroupPlaced) {
      this.#consumerGroupPlaced = true;
      const topic = `${this.#env.KAFKA_TOPIC_PREFIX ?? ''}${Topics.chat}`;
      await startGroupAtEnd(kafkaBrokers(), this.#consumerEnv.CHAT_CONSUMER_GROUP as string, topic);
    }
    this.consumer = await startProcess(entry('services/chat/src/consumer.ts'), {
      env: { ...this.#consumerEnv, CHAT_CONSUMER_INSTANCE_ID: instanceId, LOG_LEVEL: 'info' },
      readyOutput: /consumer joined group/,
      timeoutMs: 60_000,
    });
    this.consumers.push(this.consumer);
    return this.consumer;
  }

  get convertUrl(): string {
    return this.#env.CONVERT_URL as string;
  }

  /** Starts convert-worker (another one on `port`); ready once its LibreOffice instances answer. */
  async startConvertWorker(
    port: number | string = this.#env.CONVERT_WORKER_PORT as string,
  ): Promise<ServiceProcess> {
    this.convertWorker = await startProcess(entry('services/convert/src/worker.ts'), {
      env: { ...this.#env, CONVERT_WORKER_PORT: String(port) },
      readyUrl: `http://127.0.0.1:${port}/readyz`,
      timeoutMs: 120_000,
    });
    this.convertWorkers.push(this.convertWorker);
    return this.convertWorker;
  }

  /** Stops gateway-worker with `signal` (SIGKILL by default) and starts another. */
  async restartWorker(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.worker.kill(signal);
    this.worker = await startProcess(entry('services/gateway/src/worker.ts'), { env: this.#env });
  }

  /** Kills convert-api (SIGKILL by default) and starts it again on the same port. */
  async restartConvertApi(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.convertApi?.kill(signal);
    this.convertApi = await startProcess(entry('services/convert/src/main.ts'), {
      env: this.#env,
      readyUrl: `${this.convertUrl}/readyz`,
    });
  }

  /** Kills gateway `index` (SIGKILL by default) and starts it again on the same port. */
  async restartGateway(index: number, signal: NodeJS.Signals = 'SIGKILL', downMs = 500): Promise<void> {
    const gateway = this.gateways[index];
    if (gateway === undefined) throw new Error(`no gateway ${index}`);
    await gateway.process.kill(signal);
    await new Promise((resolve) => setTimeout(resolve, downMs));
    gateway.process = await startProcess(entry('services/gateway/src/main.ts'), {
      env: gateway.env,
      readyUrl: `${gateway.url}/readyz`,
    });
  }

  async #startGateway(port: number): Promise<void> {
    const env = { ...this.#env, GATEWAY_PORT: String(port) };
    const url = `http://127.0.0.1:${port}`;
    const process = await startProcess(entry('services/gateway/src/main.ts'), {
      env,
      readyUrl: `${url}/readyz`,
    });
    this.gateways.push({ url, process, env });
  }

  /** An active, signed-in user, made through the gateway's repository (see `UserFactory`). */
  async user(name: string): Promise<SignedInUser> {
    this.#users ??= UserFactory.create({ ...process.env, ...this.#env });
    return (await this.#users).activeUser({ name });
  }

  async createChat(owner: TestUser, members: TestUser[]): Promise<string> {
    const chat = (await post(
      this.gatewayUrls[0] as string,
      '/api/chats',
      { title: 'cluster test', memberEmails: members.map((member) => member.email) },
      owner.accessToken,
    )) as { id: string };
    return chat.id;
  }

  /**
   * A new chat of `a` and `b`, each with a subscribed client: `a` on the first gateway and `b`
   * on the second, falling back to the other one when `failover` is set. Stopped with the cluster.
   */
  async pairInChat(a: TestUser, b: TestUser, options: { failover?: boolean } = {}) {
    const chatId = await this.createChat(a, [b]);
    const [first, second] = this.gatewayUrls as [string, string];
    const onA = new RecordingClient(a, options.failover === true ? [first, second] : [first]);
    const onB = new RecordingClient(b, options.failover === true ? [second, first] : [second]);
    this.#clients.push(onA, onB);
    await Promise.all([onA.ready(chatId), onB.ready(chatId)]);
    return { chatId, onA, onB };
  }

  /** Every message of the chat through the gateway's history endpoint, oldest first ("continue chat" paging). */
  async history(user: TestUser, chatId: string): Promise<ChatMessage[]> {
    let messages: ChatMessage[] = [];
    let before: string | undefined;
    for (;;) {
      const query = new URLSearchParams({ limit: '200' });
      if (before !== undefined) query.set('before', before);
      const page = (await get(
        this.gatewayUrls[0] as string,
        `/api/chats/${chatId}/messages?${query}`,
        user.accessToken,
      )) as { messages: ChatMessage[]; nextCursor: string | null };
      messages = [...page.messages, ...messages];
      if (page.nextCursor === null) return messages;
      before = page.nextCursor;
    }
  }

  async stop(): Promise<void> {
    for (const recording of this.#clients) recording.client.stop();
    await Promise.all([
      ...this.gateways.map((gateway) => gateway.process.stop()),
      this.worker?.stop(),
      this.chatApi?.stop(),
      ...this.consumers.map((consumer) => consumer.stop()),
      this.convertApi?.stop(),
      ...this.convertWorkers.map((worker) => worker.stop()),
      this.#users?.then((users) => users.close()),
    ]);
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** A ChatClient with everything it heard recorded. */
export class RecordingClient {
  readonly client: ChatClient;
  readonly received: ChatMessage[] = [];
  readonly duplicates: ChatMessage[] = [];
  readonly acks = new Map<string, string>();
  readonly errors: ChatClientEvent[] = [];
  readonly statuses: string[] = [];

  constructor(user: TestUser, urls: string[], ackTimeoutMs = 2000) {
    this.client = new ChatClient({
      urls: urls.map((url) => `${url.replace(/^http/, 'ws')}/ws`),
      getToken: () => user.accessToken,
      ackTimeoutMs,
      maxReconnectMs: 1000,
    });
    this.client.on((event) => {
      if (event.type === 'message') this.received.push(event.message);
      if (event.type === 'duplicate') this.duplicates.push(event.message);
      if (event.type === 'ack') this.acks.set(event.clientMsgId, event.messageId);
      if (event.type === 'error') this.errors.push(event);
      if (event.type === 'status') this.statuses.push(event.status);
    });
  }

  async ready(chatId: string): Promise<void> {
    const subscribed = new Promise<void>((resolve) => {
      const off = this.client.on((event) => {
        if (event.type === 'subscribed' && event.chatId === chatId) {
          off();
          resolve();
        }
      });
    });
    this.client.subscribe(chatId);
    this.client.start();
    await subscribed;
  }
}

async function post(baseUrl: string, path: string, body: unknown, token?: string): Promise<unknown> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

async function get(baseUrl: string, path: string, token: string): Promise<unknown> {
  const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}
