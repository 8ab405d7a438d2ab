import type { Request, Response } from 'express';
import { pageContext } from '../access.js';
import { sendPage } from '../render.js';
import { Layout } from '../ui/Layout.js';

/** The kind pages: one sentence of what happened and one of what to do, with a way on. */
export type MessageKind = 'notFound' | 'forbidden' | 'csrf' | 'inviteUnusable' | 'error';
const STATUS: Record<MessageKind, number> = { notFound: 404, forbidden: 403, csrf: 403, inviteUnusable: 410, error: 500 };

/**
 * Sends a kind page for something that went wrong, in the person's language.
 *
 * @example sendMessage(req, res, 'forbidden')
 */
export function sendMessage(req: Request, res: Response, kind: MessageKind): void {
  const ctx = pageContext(req, res);
  const { t } = ctx;
  const home = ctx.viewer ? '/console' : '/console/sign-in';
  sendPage(
    res,
    <Layout ctx={ctx} title={t(`message.${kind}.title`)}>
      <p>{t(`message.${kind}.body`)}</p>
      <p>
        <a href={home}>{ctx.viewer ? t('message.goHome') : t('message.goSignIn')}</a>
      </p>
    </Layout>,
    STATUS[kind],
  );
}
