import type { Request } from 'express';
import { z } from 'zod';
import { consoleLocals, pageContext, safeNext } from '../access.js';
import { SESSION_COOKIE } from '../consoleSession.js';
import type { ConsolePages } from '../ConsoleServices.js';
import { formFields } from '../formBody.js';
import { sendPage } from '../render.js';
import { errorsByField, type FieldError } from '../ui/ErrorSummary.js';
import { Button, PostForm, TextInput } from '../ui/form.js';
import { Layout, type PageContext } from '../ui/Layout.js';
import { Notice } from '../ui/Notice.js';

type Banner = 'expired' | 'signedOut' | undefined;

/** The sign-in form: e-mail and password, one question per field, the error summary on top. */
function SignInPage(props: { ctx: PageContext; email: string; next: string; errors: FieldError[]; banner: Banner }) {
  const { t } = props.ctx;
  const errors = errorsByField(props.errors);
  return (
    <Layout ctx={props.ctx} title={t('signIn.title')} errors={props.errors}>
      {props.banner === 'expired' && <Notice tone="info">{t('signIn.expired')}</Notice>}
      {props.banner === 'signedOut' && <Notice tone="success">{t('signIn.signedOut')}</Notice>}
      <PostForm action="/console/sign-in" csrfToken={props.ctx.csrfToken} class="narrow">
        <input type="hidden" name="next" value={props.next} />
        <TextInput name="email" type="email" label={t('signIn.email')} value={props.email} error={errors.email} autocomplete="username" spellcheck={false} />
        <TextInput name="password" type="password" label={t('signIn.password')} error={errors.password} autocomplete="current-password" />
        <Button>{t('signIn.submit')}</Button>
      </PostForm>
      <p class="aside">{t('signIn.noAccount')}</p>
    </Layout>
  );
}

const signInQuery = z.object({ next: z.string().optional(), expired: z.literal('1').optional(), signedOut: z.literal('1').optional() });

/**
 * GET/POST /console/sign-in and POST /console/sign-out. A wrong password and an unknown e-mail get
 * the same answer (and take as long); 5 failures lock the e-mail for 15 minutes, 50 lock the address
 * for an hour (SignInLimits). Signing in gives a new session id; signing out destroys the session.
 */
export const signInPages: ConsolePages = (router, { accounts, limits, deps }) => {
  router.get('/sign-in', (req, res) => {
    const query = signInQuery.safeParse(req.query);
    const q = query.success ? query.data : {};
    if (consoleLocals(res).user) return res.redirect(303, safeNext(q.next));
    const banner: Banner = q.expired ? 'expired' : q.signedOut ? 'signedOut' : undefined;
    sendPage(res, <SignInPage ctx={pageContext(req, res)} email="" next={safeNext(q.next)} errors={[]} banner={banner} />);
  });

  router.post('/sign-in', async (req, res) => {
    const ctx = pageContext(req, res);
    const { t } = ctx;
    const form = formFields(req, ['email', 'password', 'next']);
    const email = form.email.trim();
    const next = safeNext(form.next);
    const again = (errors: FieldError[], status: number) => sendPage(res, <SignInPage ctx={ctx} email={email} next={next} errors={errors} banner={undefined} />, status);

    const missing: FieldError[] = [];
    if (email === '') missing.push({ field: 'email', message: t('signIn.errors.emailMissing') });
    if (form.password === '') missing.push({ field: 'password', message: t('signIn.errors.passwordMissing') });
    if (missing.length > 0) return again(missing, 400);

    const ip = req.ip ?? 'unknown';
    const lock = await limits.check(email, ip);
    if (lock.locked) {
      const minutes = Math.max(1, Math.ceil(lock.retryMs / 60_000));
      return again([{ field: 'email', message: t('signIn.errors.locked', { count: minutes }) }], 429);
    }
    const user = await accounts.checkPassword(email, form.password);
    if (!user) {
      await limits.fail(email, ip);
      return again([{ field: 'email', message: t('signIn.errors.wrong') }], 401);
    }
    await limits.succeed(email);
    await regenerate(req);
    const nowMs = deps.now().getTime();
    Object.assign(req.session, { userId: user.id, startedAt: nowMs, seenAt: nowMs });
    deps.log.info('console_sign_in', { user: user.id, institution: user.institution });
    res.redirect(303, next);
  });

  router.post('/sign-out', async (req, res) => {
    const user = consoleLocals(res).user;
    await new Promise<void>((resolve, reject) => req.session.destroy((err: unknown) => (err ? reject(err) : resolve())));
    res.clearCookie(SESSION_COOKIE, { path: '/console', httpOnly: true, sameSite: 'lax', secure: deps.production });
    if (user) deps.log.info('console_sign_out', { user: user.id });
    res.redirect(303, '/console/sign-in?signedOut=1');
  });
};

/** A new session id for the same request (after sign-in: a session id known before it is worthless after). */
export function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err: unknown) => (err ? reject(err) : resolve())));
}

