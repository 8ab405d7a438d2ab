import express from 'express';
import { Redis } from 'ioredis';
import { ActivityHandler, ActivityTypes, BotAdapter, ConversationState, TurnContext, type Activity, type ResourceResponse, type Storage, type StoreItems } from 'botbuilder';
import { isValidTwilioSignature } from '../../channels/twilio/signature.js';
import { messagingTwiml } from '../../channels/twilio/twiml.js';

/**
 * The two floors `npm run bench` measures Ruta against, each in its own process:
 *  - bare: Express, the same Twilio signature check, one Redis GET and SET per message, TwiML back;
 *  - echo: a plain botbuilder echo bot (ActivityHandler + ConversationState) whose state lives in
 *    Redis (GET/SET of JSON, no eTags), behind the same webhook and signature check.
 * Usage: node dist/src/tools/bench/floors.js bare|echo   (PORT, REDIS_URL, REDIS_PREFIX, TWILIO_AUTH_TOKEN, PUBLIC_URL)
 */

const kind = process.argv[2];
if (kind !== 'bare' && kind !== 'echo') {
  process.stderr.write('usage: floors.js bare|echo\n');
  process.exit(2);
}
const env = process.env;
const authToken = env.TWILIO_AUTH_TOKEN ?? '';
const publicUrl = env.PUBLIC_URL ?? '';
const prefix = env.REDIS_PREFIX ?? 'bench:';
const ttl = 3600;
const redis = new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: false, maxRetriesPerRequest: 2 });

/** botbuilder Storage over Redis, as a plain bot would write it: JSON per key, last write wins. */
class RedisJsonStorage implements Storage {
  async read(keys: string[]): Promise<StoreItems> {
    const values = keys.length ? await redis.mget(keys.map((k) => prefix + k)) : [];
    const items: StoreItems = {};
    keys.forEach((k, i) => {
      const v = values[i];
      if (v) items[k] = JSON.parse(v);
    });
    return items;
  }
  async write(changes: StoreItems): Promise<void> {
    const multi = redis.multi();
    for (const [k, v] of Object.entries(changes)) multi.set(prefix + k, JSON.stringify(v), 'EX', ttl);
    await multi.exec();
  }
  async delete(keys: string[]): Promise<void> {
    if (keys.length) await redis.del(...keys.map((k) => prefix + k));
  }
}

const OUTBOX = Symbol('outbox');
class CollectingAdapter extends BotAdapter {
  async process(activity: Partial<Activity>, logic: (c: TurnContext) => Promise<void>): Promise<string[]> {
    const context = new TurnContext(this, activity);
    const outbox: string[] = [];
    context.turnState.set(OUTBOX, outbox);
    await this.runMiddleware(context, logic);
    return outbox;
  }
  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const outbox: string[] = context.turnState.get(OUTBOX);
    return activities.map((a, i) => {
      if (a.type === ActivityTypes.Message && a.text) outbox.push(a.text);
      return { id: String(i) };
    });
  }
  override async updateActivity(): Promise<void> {}
  override async deleteActivity(): Promise<void> {}
  override async continueConversation(): Promise<void> {}
}

const conversationState = new ConversationState(new RedisJsonStorage());
const turns = conversationState.createProperty<number>('turns');
class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      const n = (await turns.get(context, 0)) + 1;
      await turns.set(context, n);
      await context.sendActivity(`Echo ${n}: ${context.activity.text ?? ''}`);
      await next();
    });
  }
  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await conversationState.saveChanges(context, false);
  }
}
const adapter = new CollectingAdapter();
const bot = new EchoBot();

const app = express();
app.disable('x-powered-by');
app.get('/health', (_req, res) => void res.json({ ok: true }));
app.post('/twilio/messages', express.urlencoded({ extended: false, limit: '64kb' }), async (req, res) => {
  const params = req.body as Record<string, string>;
  if (!isValidTwilioSignature(authToken, req.get('X-Twilio-Signature'), publicUrl + req.originalUrl, params)) {
    res.status(403).send('Forbidden');
    return;
  }
  try {
    if (kind === 'bare') {
      const key = `${prefix}n:${params.From ?? ''}`;
      const seen = Number((await redis.get(key)) ?? 0) + 1;
      await redis.set(key, String(seen), 'EX', ttl);
      res.type('text/xml').send(messagingTwiml([`Echo ${seen}: ${params.Body ?? ''}`]));
      return;
    }
    const from = params.From ?? '';
    const replies = await adapter.process(
      {
        type: ActivityTypes.Message,
        id: params.MessageSid,
        channelId: 'sms',
        serviceUrl: 'twilio',
        from: { id: from, name: '' },
        recipient: { id: 'bot', name: 'bot' },
        conversation: { id: from, name: '', isGroup: false, conversationType: 'sms' },
        text: params.Body ?? '',
      },
      (context) => bot.run(context),
    );
    res.type('text/xml').send(messagingTwiml(replies));
  } catch (err) {
    res.status(500).send(String((err as Error).message));
  }
});

const server = app.listen(Number(env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ event: 'listening', port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
const stop = () => server.close(() => void redis.quit().finally(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
