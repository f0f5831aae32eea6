/**
 * Notification channels (R-NOTE-1): how a message of the outbox reaches its
 * recipient. Every message is first stored in the outbox, idempotent by its
 * key (the job key), which is what the app reads (GET /api/notifications):
 * the default channel stops there. A channel configured for `sms` (an SMS
 * gateway) or `phone` (an IVR) then delivers it once, and the outbox entry
 * records `sent` or `failed` with the reason.
 */

export type ChannelName = 'app' | 'sms' | 'phone';

export interface OutgoingMessage {
  key: string;
  channel: ChannelName;
  /** The address as the workers name it: `resident`, `unit:U-A`, `group:supervisor`, `user:dispatcher1` ... */
  to: string;
  /** Phone numbers the address resolves to (empty when there is none). */
  phones: string[];
  text: string;
  workOrderId?: string;
}

export interface DeliveryResult {
  status: 'sent' | 'stored' | 'failed';
  error?: string;
}

export interface NotificationChannel {
  readonly name: ChannelName;
  deliver(message: OutgoingMessage): Promise<DeliveryResult>;
}

/** The default: the stored outbox entry is the message (the resident reads it in the app). */
export const storedChannel = (name: ChannelName): NotificationChannel => ({
  name,
  deliver: () => Promise.resolve({ status: 'stored' }),
});

type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<{ ok: boolean; status: number }>;

/**
 * An HTTP SMS gateway: `POST <url>` with `{ id, to: [phones], text }` (JSON),
 * bearer token when given; 2xx = sent. The message key is the gateway's
 * idempotency id, so a gateway that deduplicates never sends twice.
 */
export class SmsGatewayChannel implements NotificationChannel {
  readonly name = 'sms' as const;

  constructor(
    private readonly options: { url: string; token?: string; timeoutMs?: number; fetch?: Fetch },
  ) {}

  async deliver(message: OutgoingMessage): Promise<DeliveryResult> {
    if (message.phones.length === 0) return { status: 'failed', error: `no phone number for ${message.to}` };
    const send: Fetch = this.options.fetch ?? ((url, init) => fetch(url, init));
    try {
      const res = await send(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': message.key,
          ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
        },
        body: JSON.stringify({ id: message.key, to: message.phones, text: message.text }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      return res.ok ? { status: 'sent' } : { status: 'failed', error: `gateway answered ${res.status}` };
    } catch (err) {
      return { status: 'failed', error: err instanceof Error ? err.message : String(err) };
    }
  }
}
