import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readForm } from '../../src/channels/twilio/formBody.js';

// A real HTTP server on loopback: readForm sees what Node's parser gives it, chunks and all.
let server: Server;
let port = 0;
/** What readForm gave each request, in order: 'form', 'none' or the error's status. */
const outcomes: string[] = [];
const LIMITS = { limit: 1024, parameterLimit: 5 };
beforeAll(async () => {
  server = createServer((req, res) => {
    readForm(req, LIMITS).then(
      (form) => {
        outcomes.push(form === undefined ? 'none' : 'form');
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(form === undefined ? { none: true } : { form }));
      },
      (err: { status: number; type: string }) => {
        outcomes.push(String(err.status));
        res.writeHead(err.status).end(err.type);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Posts `chunks` one write each (no Content-Length unless given): the status and the answer. */
function post(chunks: Array<string | Buffer>, headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('readForm (the Twilio webhook body)', () => {
  it('parses a form as URLSearchParams does: + and %-escapes, UTF-8 split across chunks, empty values', async () => {
    const body = Buffer.from('Body=Bonjou+m%C3%A8t+%26+ni%C3%B1o&From=%2B18095550001&Empty=&Kreyòl=wè', 'utf8');
    // "è" of "Kreyòl"/"wè" cut in the middle of its two bytes.
    const cut = body.length - 1;
    const res = await post([body.subarray(0, cut), body.subarray(cut)]);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ form: { Body: 'Bonjou mèt & niño', From: '+18095550001', Empty: '', Kreyòl: 'wè' } });
  });

  it('keeps both values of a name sent twice, so the caller can refuse the body', async () => {
    const res = await post(['Body=Hola&Body=BORRAR']);
    expect(JSON.parse(res.body)).toEqual({ form: { Body: ['Hola', 'BORRAR'] } });
  });

  it('accepts a UTF-8 charset in any letter case; refuses another charset or a compressed body with 415', async () => {
    expect((await post(['a=1'], { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' })).status).toBe(200);
    expect((await post(['a=1'], { 'content-type': 'Application/X-WWW-Form-Urlencoded;charset="utf-8"' })).status).toBe(200);
    // ISO-8859-1, which body-parser read: Twilio never sends it.
    expect(await post(['a=1'], { 'content-type': 'application/x-www-form-urlencoded; charset=iso-8859-1' })).toEqual({ status: 415, body: 'charset.unsupported' });
    expect(await post([gzipSync('a=1')], { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' })).toEqual({ status: 415, body: 'encoding.unsupported' });
  });

  it('reads no form from another content type, or none', async () => {
    expect(JSON.parse((await post(['Hola'], { 'content-type': 'text/plain' })).body)).toEqual({ none: true });
    expect(JSON.parse((await post(['{"a":1}'], { 'content-type': 'application/json' })).body)).toEqual({ none: true });
    expect(JSON.parse((await post(['a=1'], {})).body)).toEqual({ none: true });
  });

  it('refuses with 413 a body over the limit, announced or not, and more names than allowed', async () => {
    const big = `Body=${'a'.repeat(2000)}`;
    expect(await post([big], { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(big.length) })).toEqual({ status: 413, body: 'entity.too.large' });
    // Chunked, no length announced: refused once the bytes read pass the limit.
    expect(await post([big.slice(0, 800), big.slice(800)])).toEqual({ status: 413, body: 'entity.too.large' });
    expect((await post([`Body=${'a'.repeat(1019)}`])).status).toBe(200); // exactly the limit
    expect(await post(['a=1&b=2&c=3&d=4&e=5&f=6'])).toEqual({ status: 413, body: 'parameters.too.many' });
    expect((await post(['a=1&b=2&c=3&d=4&e=5'])).status).toBe(200);
  });

  it('answers 400 when the sender gives up before the body is complete', async () => {
    const before = outcomes.length;
    const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '100' } });
    req.on('error', () => undefined);
    req.write('Body=half');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(outcomes.length).toBe(before); // still waiting for the rest
    req.destroy();
    // Not left waiting: the server is told (its answer goes nowhere, the socket is gone).
    const until = Date.now() + 2000;
    while (outcomes.length === before && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(outcomes.slice(before)).toEqual(['400']);
  });
});
