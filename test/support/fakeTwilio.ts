import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

/** A message as Twilio's Messages API received it (form fields, as documented). */
export interface ReceivedMessage {
  accountSid: string;
  auth: string | undefined;
  form: Record<string, string>;
  sid: string;
}

/**
 * A fake of Twilio's REST API at the HTTP boundary: POST /2010-04-01/Accounts/{Sid}/Messages.json,
 * answered like Twilio (201 with the message resource, or an error object with code and status).
 */
export interface FakeTwilio {
  url: string;
  accepted: ReceivedMessage[];
  /** Every request, accepted or not. */
  requests: number;
  /** The next n requests fail with this HTTP status and Twilio error code. */
  failNext(n: number, status: number, code: number): void;
  close(): Promise<void>;
}

export async function startFakeTwilio(): Promise<FakeTwilio> {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  const failures: Array<{ status: number; code: number }> = [];
  const fake: Omit<FakeTwilio, 'url' | 'close'> & { url?: string } = {
    accepted: [],
    requests: 0,
    failNext(n, status, code) {
      for (let i = 0; i < n; i++) failures.push({ status, code });
    },
  };
  app.post('/2010-04-01/Accounts/:sid/Messages.json', (req, res) => {
    fake.requests++;
    const failure = failures.shift();
    if (failure) {
      res.status(failure.status).json({ code: failure.code, message: 'fake failure', more_info: `https://www.twilio.com/docs/errors/${failure.code}`, status: failure.status });
      return;
    }
    const form = Object.fromEntries(Object.entries(req.body as Record<string, string>));
    const sid = `SM${randomBytes(16).toString('hex')}`;
    fake.accepted.push({ accountSid: req.params.sid, auth: req.get('authorization'), form, sid });
    res.status(201).json({ sid, account_sid: req.params.sid, to: form.To, from: form.From, body: form.Body ?? null, status: 'queued', num_segments: '1', date_created: new Date().toUTCString() });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return Object.assign(fake, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as FakeTwilio;
}

/** Waits until `check` holds (polling), or fails after `ms`. */
export async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
