import type { IncomingMessage } from 'node:http';

/**
 * Twilio's webhook body (application/x-www-form-urlencoded, UTF-8) read and parsed for the one
 * route every worker's message takes. Express's `urlencoded` (body-parser, raw-body, type-is,
 * iconv-lite and qs) cost about 42 µs of the server's CPU a turn under the bench's load, 3 % of
 * it (issue 13, a CPU profile of 15 s of the closed loop); a Twilio body is a flat form of a few
 * hundred bytes, which URLSearchParams parses the same way.
 *
 * The same answers as body-parser's, but one:
 * - another content type: no form (`undefined`), so the caller has no signature to check (403);
 * - a charset other than UTF-8, or a compressed body: 415 (body-parser also read ISO-8859-1,
 *   decoding its %-escapes as Latin-1; Twilio sends UTF-8 only, and URLSearchParams decodes UTF-8);
 * - over `limit` bytes (announced or read) or over `parameterLimit` names: 413;
 * - a request that ends before its body does: 400.
 * A name sent twice keeps both values, in an array, so the caller can refuse it (formParams).
 *
 * @example const form = await readForm(req, { limit: 64 * 1024, parameterLimit: 200 });
 */
export async function readForm(req: IncomingMessage, { limit, parameterLimit }: { limit: number; parameterLimit: number }): Promise<Record<string, string | string[]> | undefined> {
  const type = parseContentType(req.headers['content-type']);
  if (type?.mediaType !== 'application/x-www-form-urlencoded') {
    req.resume();
    return undefined;
  }
  if (type.charset !== undefined && type.charset !== 'utf-8') throw formError(415, 'charset.unsupported', req);
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') throw formError(415, 'encoding.unsupported', req);
  const announced = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
  if (announced !== undefined && announced > limit) throw formError(413, 'entity.too.large', req);
  const body = await readBody(req, limit);
  const form: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  let names = 0;
  for (const [name, value] of new URLSearchParams(body)) {
    if (++names > parameterLimit) throw formError(413, 'parameters.too.many');
    const before = form[name];
    form[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
  }
  return form;
}

/** The body as UTF-8 text, at most `limit` bytes (413 past it, 400 when the request is cut short). */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const done = (err?: Error) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onError);
      if (err) reject(err);
      else resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, bytes).toString('utf8'));
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) done(formError(413, 'entity.too.large', req));
      else chunks.push(chunk);
    };
    const onEnd = () => done();
    // Closed before the whole body came: the sender gave up (once it is complete, 'end' follows).
    const onClose = () => {
      if (!req.complete) done(formError(400, 'request.aborted'));
    };
    const onError = (err: Error) => done(Object.assign(err, { status: 400, type: 'request.error' }));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    req.on('error', onError);
  });
}

/** An error the server answers with its status (answerError); the rest of a refused body is read and dropped, so the answer can be sent. */
function formError(status: number, type: string, req?: IncomingMessage): Error {
  req?.resume();
  return Object.assign(new Error(type), { status, type });
}

/** A Content-Type's media type and charset, lower-cased; undefined when there is none. */
function parseContentType(header: string | undefined): { mediaType: string; charset?: string } | undefined {
  if (!header) return undefined;
  const [mediaType, ...params] = header.split(';');
  let charset: string | undefined;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    charset = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
  }
  const type = mediaType!.trim().toLowerCase();
  return charset === undefined ? { mediaType: type } : { mediaType: type, charset };
}
