import { z } from 'zod';
import { accountSummary, type Invitation } from '../accounts/Accounts.js';
import { MIN_PASSWORD_LENGTH, passwordProblem } from '../accounts/password.js';
import { pageContext } from '../access.js';
import type { ConsolePages } from '../ConsoleServices.js';
import { formFields } from '../formBody.js';
import { sendPage } from '../render.js';
import { errorsByField, type FieldError } from '../ui/ErrorSummary.js';
import { Button, PostForm, TextInput } from '../ui/form.js';
import { Layout, type PageContext } from '../ui/Layout.js';
import { sendMessage } from './MessagePage.js';
import { regenerate } from './signIn.js';

/** Set your name and password: the page an invitation link opens. */
function InvitePage(props: { ctx: PageContext; token: string; invitation: Invitation; institutionName: string; name: string; errors: FieldError[] }) {
  const { t } = props.ctx;
  const errors = errorsByField(props.errors);
  return (
    <Layout ctx={props.ctx} title={t('invite.title')} errors={props.errors}>
      <p>{t('invite.intro', { email: props.invitation.email, institution: props.institutionName })}</p>
      <PostForm action={`/console/invite/${props.token}`} csrfToken={props.ctx.csrfToken} class="narrow">
        <TextInput name="name" label={t('invite.name')} hint={t('invite.nameHint')} value={props.name} error={errors.name} autocomplete="name" spellcheck={false} />
        <input type="hidden" name="username" value={props.invitation.email} autocomplete="username" />
        <TextInput name="password" type="password" label={t('invite.password')} hint={t('invite.passwordHint', { min: MIN_PASSWORD_LENGTH })} error={errors.password} autocomplete="new-password" />
        <TextInput name="confirm" type="password" label={t('invite.confirm')} error={errors.confirm} autocomplete="new-password" />
        <Button>{t('invite.submit')}</Button>
      </PostForm>
    </Layout>
  );
}

const PASSWORD_ERRORS = {
  too_short: 'invite.errors.passwordTooShort',
  too_long: 'invite.errors.passwordTooLong',
  too_common: 'invite.errors.passwordTooCommon',
} as const;

const tokenParam = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });

/**
 * GET/POST /console/invite/:token: the one-time link of `ruta user invite` or the users page. It
 * works once, for 72 hours; a used, expired or unknown link gets a kind page saying to ask for a new one.
 */
export const invitePages: ConsolePages = (router, { accounts, audit, deps }) => {
  router.get('/invite/:token', async (req, res) => {
    const params = tokenParam.safeParse(req.params);
    const found = params.success ? await accounts.invitation(params.data.token) : undefined;
    if (!params.success || !found?.ok) return sendMessage(req, res, 'inviteUnusable');
    const institutionName = deps.catalog.institution(found.invitation.institution)?.acronym ?? found.invitation.institution;
    sendPage(res, <InvitePage ctx={pageContext(req, res)} token={params.data.token} invitation={found.invitation} institutionName={institutionName} name="" errors={[]} />);
  });

  router.post('/invite/:token', async (req, res) => {
    const params = tokenParam.safeParse(req.params);
    const found = params.success ? await accounts.invitation(params.data.token) : undefined;
    if (!params.success || !found?.ok) return sendMessage(req, res, 'inviteUnusable');
    const ctx = pageContext(req, res);
    const { t } = ctx;
    const form = formFields(req, ['name', 'password', 'confirm']);
    const name = form.name.trim();
    const errors: FieldError[] = [];
    if (name === '') errors.push({ field: 'name', message: t('invite.errors.nameMissing') });
    else if (name.length > 100) errors.push({ field: 'name', message: t('invite.errors.nameTooLong') });
    const problem = passwordProblem(form.password);
    if (problem) errors.push({ field: 'password', message: t(PASSWORD_ERRORS[problem], { min: MIN_PASSWORD_LENGTH }) });
    else if (form.confirm !== form.password) errors.push({ field: 'confirm', message: t('invite.errors.confirmDifferent') });
    if (errors.length > 0) {
      const institutionName = deps.catalog.institution(found.invitation.institution)?.acronym ?? found.invitation.institution;
      return sendPage(res, <InvitePage ctx={ctx} token={params.data.token} invitation={found.invitation} institutionName={institutionName} name={name} errors={errors} />, 400);
    }

    const accepted = await accounts.acceptInvite(params.data.token, { name, password: form.password });
    if (!accepted.ok) return sendMessage(req, res, 'inviteUnusable');
    const { user } = accepted;
    await audit.record({ who: user.email, institution: user.institution, action: 'user.join', target: user.email, before: null, after: accountSummary(user) });
    await regenerate(req);
    const nowMs = deps.now().getTime();
    Object.assign(req.session, { userId: user.id, startedAt: nowMs, seenAt: nowMs });
    deps.log.info('console_invite_accepted', { user: user.id, institution: user.institution });
    res.redirect(303, '/console');
  });
};
