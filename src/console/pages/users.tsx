import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Centre } from '../../booking/centre.js';
import { accountSummary, emailSchema, ROLES, type CentreScope, type ConsoleUser } from '../accounts/Accounts.js';
import { pageContext, signedIn, viewerOf, visibleCentres } from '../access.js';
import type { ConsolePages, ConsoleServices } from '../ConsoleServices.js';
import { formFields, formList } from '../formBody.js';
import { sendPage } from '../render.js';
import { errorsByField, type FieldError } from '../ui/ErrorSummary.js';
import { Button, Checkboxes, PostForm, Radios, TextInput } from '../ui/form.js';
import { Layout, type PageContext } from '../ui/Layout.js';
import { Notice } from '../ui/Notice.js';
import { StatusTag } from '../ui/StatusTag.js';
import { Table } from '../ui/Table.js';
import { sendMessage } from './MessagePage.js';
import { roleLabel } from './roleLabel.js';
import type { Catalog } from '../../catalog/Catalog.js';

interface InviteForm {
  email: string;
  role: string;
  centres: string[];
}

/** The institution's people, and the form that invites one more. Admins only. */
function UsersPage(props: {
  ctx: PageContext;
  me: ConsoleUser;
  users: ConsoleUser[];
  centres: Centre[];
  form: InviteForm;
  errors: FieldError[];
  inviteLink?: string | undefined;
  disabled?: string | undefined;
  /** The institution's country: a coordinator invited here sees its figures. */
  country: string;
  countryName: (code: string) => string;
}) {
  const { t } = props.ctx;
  const errors = errorsByField(props.errors);
  const centreName = new Map(props.centres.map((c) => [c.id, c.name]));
  return (
    <Layout ctx={props.ctx} title={t('users.title')} section="users" errors={props.errors}>
      {props.inviteLink && (
        <Notice tone="success" title={t('users.invited')}>
          <p>{t('users.invitedHelp')}</p>
          <p class="invite-link">
            <code>{props.inviteLink}</code>
          </p>
        </Notice>
      )}
      {props.disabled && <Notice tone="success">{t('users.disabledNotice', { email: props.disabled })}</Notice>}
      <Table
        caption={t('users.caption')}
        rows={props.users}
        columns={[
          { header: t('users.name'), cell: (u) => u.name, rowHeader: true },
          { header: t('users.email'), cell: (u) => u.email },
          { header: t('users.role'), cell: (u) => t(roleLabel(u.role)) },
          {
            header: t('users.scope'),
            cell: (u) =>
              u.role === 'coordinator'
                ? t('users.countriesScope', { countries: u.countries === 'all' || !u.countries ? t('users.allCountries') : u.countries.map((c) => props.countryName(c)).join(', ') })
                : u.centres === 'all'
                  ? t('users.allCentres')
                  : u.centres.map((id) => centreName.get(id) ?? id).join(', '),
          },
          {
            header: t('users.status'),
            cell: (u) => (u.disabledAt ? <StatusTag tone="neutral">{t('users.disabled')}</StatusTag> : <StatusTag tone="success">{t('users.active')}</StatusTag>),
          },
          {
            header: t('users.actions'),
            cell: (u) =>
              u.disabledAt || u.id === props.me.id ? (
                ''
              ) : (
                <PostForm action={`/console/users/${u.id}/disable`} csrfToken={props.ctx.csrfToken} class="inline-form">
                  <Button variant="danger">{t('users.disable', { name: u.name })}</Button>
                </PostForm>
              ),
          },
        ]}
      />
      <h2 id="invite-title">{t('users.inviteTitle')}</h2>
      <PostForm action="/console/users/invite" csrfToken={props.ctx.csrfToken} class="narrow" label={t('users.inviteTitle')}>
        <TextInput name="email" type="email" label={t('users.inviteEmail')} hint={t('users.inviteEmailHint')} value={props.form.email} error={errors.email} spellcheck={false} />
        <Radios
          name="role"
          legend={t('users.inviteRole')}
          value={props.form.role}
          error={errors.role}
          options={[
            { value: 'staff', label: t('role.staff'), hint: t('role.staffHint') },
            { value: 'admin', label: t('role.admin'), hint: t('role.adminHint') },
            { value: 'coordinator', label: t('role.coordinator'), hint: t('role.coordinatorInviteHint', { country: props.countryName(props.country) }) },
          ]}
        />
        {props.centres.length > 0 && (
          <Checkboxes
            name="centres"
            legend={t('users.inviteCentres')}
            hint={t('users.inviteCentresHint')}
            values={props.form.centres}
            error={errors.centres}
            options={props.centres.map((c) => ({ value: c.id, label: `${c.name}, ${c.city}` }))}
          />
        )}
        <Button>{t('users.inviteSubmit')}</Button>
      </PostForm>
    </Layout>
  );
}

const userParam = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/) });

/**
 * GET /console/users, POST /console/users/invite, POST /console/users/:id/disable (admins only, and
 * only within their institution). The invitation link is shown once, on the page after it is made.
 */
export const userPages: ConsolePages = (router, services) => {
  const { accounts, audit, deps } = services;

  router.get('/users', signedIn('admin'), async (req, res) => {
    const flash = req.session.flash;
    delete req.session.flash;
    await renderUsers(req, res, services, { email: '', role: 'staff', centres: [] }, [], 200, flash?.inviteLink, flash?.disabledEmail);
  });

  router.post('/users/invite', signedIn('admin'), async (req, res) => {
    const me = viewerOf(res);
    const { t } = pageContext(req, res);
    const fields = formFields(req, ['email', 'role']);
    const form: InviteForm = { email: fields.email.trim(), role: fields.role, centres: formList(req, 'centres') };
    const own = new Set((await deps.centres.ofInstitution(me.institution)).map((c) => c.id));
    const errors: FieldError[] = [];
    const email = emailSchema.safeParse(form.email);
    if (form.email === '') errors.push({ field: 'email', message: t('users.errors.emailMissing') });
    else if (!email.success) errors.push({ field: 'email', message: t('users.errors.emailInvalid') });
    const role = z.enum(ROLES).safeParse(form.role);
    if (!role.success) errors.push({ field: 'role', message: t('users.errors.roleMissing') });
    if (form.centres.some((id) => !own.has(id))) errors.push({ field: 'centres', message: t('users.errors.centreUnknown') });
    if (role.success && role.data === 'coordinator' && form.centres.length > 0) errors.push({ field: 'centres', message: t('users.errors.coordinatorCentres') });
    if (errors.length === 0 && email.success && role.success) {
      // A coordinator invited by an institution's admin sees that institution's country, nothing more
      // (a wider scope is given with `ruta user invite --role coordinator`, by whoever runs the service).
      const scope: { centres: CentreScope; countries?: string[] } =
        role.data === 'coordinator' ? { centres: 'all', countries: [institutionCountry(deps.catalog, me.institution)] } : { centres: form.centres.length > 0 ? form.centres : 'all' };
      const invited = await accounts.invite({ email: email.data, institution: me.institution, role: role.data, ...scope, invitedBy: me.email });
      if (invited.ok) {
        await audit.record({ who: me.email, institution: me.institution, action: 'user.invite', target: email.data, before: null, after: { role: role.data, centres: scope.centres, ...(scope.countries ? { countries: scope.countries } : {}), expiresAt: invited.expiresAt } });
        req.session.flash = { inviteLink: `${deps.publicUrl}/console/invite/${invited.token}` };
        return res.redirect(303, '/console/users');
      }
      errors.push({ field: 'email', message: t(invited.reason === 'already_active' ? 'users.errors.alreadyActive' : 'users.errors.otherInstitution') });
    }
    await renderUsers(req, res, services, form, errors, 400);
  });

  router.post('/users/:id/disable', signedIn('admin'), async (req, res) => {
    const me = viewerOf(res);
    const params = userParam.safeParse(req.params);
    const target = params.success ? await accounts.byId(params.data.id) : undefined;
    // Another institution's account answers exactly like one that does not exist.
    if (!target || target.institution !== me.institution || target.id === me.id) return sendMessage(req, res, 'notFound');
    const changed = await accounts.disable(target.id);
    if (changed) await audit.record({ who: me.email, institution: me.institution, action: 'user.disable', target: target.email, before: accountSummary(changed.before), after: accountSummary(changed.after) });
    req.session.flash = { disabledEmail: target.email };
    res.redirect(303, '/console/users');
  });
};

async function renderUsers(req: Request, res: Response, { accounts, deps }: ConsoleServices, form: InviteForm, errors: FieldError[], status: number, inviteLink?: string, disabled?: string): Promise<void> {
  const me = viewerOf(res);
  const ctx = pageContext(req, res);
  const [users, centres] = await Promise.all([accounts.list(me.institution), visibleCentres(me, deps.centres)]);
  const countryName = (code: string) => deps.catalog.country(code)?.name[ctx.lang] ?? code;
  const country = institutionCountry(deps.catalog, me.institution);
  sendPage(res, <UsersPage ctx={ctx} me={me} users={users} centres={centres} form={form} errors={errors} inviteLink={inviteLink} disabled={disabled} country={country} countryName={countryName} />, status);
}

/** The country of an institution (its code), as the catalog has it. */
function institutionCountry(catalog: Catalog, institution: string): string {
  const found = catalog.institution(institution);
  if (!found) throw new Error(`unknown institution ${institution}`);
  return found.country;
}

