import type { Response } from 'express';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/**
 * Sends a page: `<!doctype html>` and the JSX rendered to a string (escaped by default). The render
 * time goes out in a Server-Timing header (`render;dur=1.8`), which the browser test reads to report
 * each page's cost. Console pages are personal: never cached, not even by the browser's back button.
 *
 * @example sendPage(res, <HomePage ctx={ctx} … />)
 */
export function sendPage(res: Response, page: VNode, status = 200): void {
  const started = performance.now();
  const html = `<!doctype html>${renderToString(page)}`;
  const ms = performance.now() - started;
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .set('Server-Timing', `render;dur=${ms.toFixed(2)}`)
    .type('html')
    .send(html);
}
