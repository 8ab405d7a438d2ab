import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import { expect, it } from 'vitest';
import { serverListener, type RawHandler } from '../../src/server.js';

// The request listener answers a few method + path pairs without Express (issue 13: Express cost
// the webhook about a sixth of a turn). Which requests go where: exact method and path, any query.
it('sends exactly the listed method and path, with any query, to its handler, and every other request to the app', () => {
  const seen: string[] = [];
  const direct: RawHandler = (req) => void seen.push(`direct ${req.method} ${req.url}`);
  const app = Object.assign(express(), { handle: (req: IncomingMessage) => void seen.push(`app ${req.method} ${req.url}`) });
  const listen = serverListener(app, { 'POST /twilio/messages': direct });
  const request = (method: string, url: string) => listen({ method, url } as IncomingMessage, {} as ServerResponse);
  request('POST', '/twilio/messages');
  request('POST', '/twilio/messages?a=1&b=2');
  request('GET', '/twilio/messages');
  request('POST', '/twilio/messages/');
  request('POST', '/Twilio/Messages');
  request('POST', '/twilio/messagesx');
  request('POST', '/twilio');
  request('POST', 'constructor');
  expect(seen).toEqual([
    'direct POST /twilio/messages',
    'direct POST /twilio/messages?a=1&b=2',
    'app GET /twilio/messages',
    'app POST /twilio/messages/',
    'app POST /Twilio/Messages',
    'app POST /twilio/messagesx',
    'app POST /twilio',
    'app POST constructor',
  ]);
});
