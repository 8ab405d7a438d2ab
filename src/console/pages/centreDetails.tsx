import type { Request, Response } from 'express';
import type { Centre } from '../../booking/centre.js';
import { pageContext, signedIn, viewerOf } from '../access.js';
import { centreOf, detailsSummary, sourceNote } from '../centres/centreOf.js';
import { detailsFormOf, parseDetails, type DetailsForm } from '../centres/detailsForm.js';
import type { ConsolePages, ConsoleServices } from '../ConsoleServices.js';
import { formFields, formList } from '../formBody.js';
import { sendPage } from '../render.js';
import { errorsByField, type FieldError } from '../ui/ErrorSummary.js';
import { Button, Checkboxes, PostForm, Radios, TextInput } from '../ui/form.js';
import { Layout, type PageContext } from '../ui/Layout.js';

/** The centre's details on a page of their own: name, city, address, phone, what it assesses. Its location is left as it is. */
function DetailsPage(props: { ctx: PageContext; centre: Centre; institutionName: string; occupations: Array<{ value: string; label: string }>; form: DetailsForm; errors: FieldError[] }) {
  const { t } = props.ctx;
  const errors = errorsByField(props.errors);
  const { centre, form } = props;
  return (
    <Layout ctx={props.ctx} title={t('centres.detailsPageTitle', { name: centre.name })} section="centres" errors={props.errors}>
      <p>
        <a href={`/console/centres/${centre.id}`}>{t('centres.backTo', { name: centre.name })}</a>
      </p>
      <PostForm action={`/console/centres/${centre.id}/details`} csrfToken={props.ctx.csrfToken} class="narrow action-form" label={t('centres.detailsTitle')}>
        <TextInput name="name" label={t('centres.nameLabel')} hint={t('centres.nameHint')} value={form.name} error={errors.name} />
        <TextInput name="city" label={t('centres.city')} value={form.city} error={errors.city} width="medium" />
        <TextInput name="address" label={t('centres.address')} hint={t('centres.addressHint')} value={form.address} error={errors.address} />
        <TextInput name="phone" type="tel" label={t('centres.phoneLabel')} hint={t('centres.phoneHint')} value={form.phone} error={errors.phone} width="medium" autocomplete="off" />
        <Radios
          name="assesses"
          legend={t('centres.assessesLegend')}
          value={form.assesses}
          error={errors.assesses}
          options={[
            { value: 'all', label: t('centres.assessesAllOf', { institution: props.institutionName }) },
            { value: 'some', label: t('centres.assessesSome'), hint: t('centres.assessesSomeHint') },
            { value: 'unknown', label: t('centres.assessesUnknown'), hint: t('centres.assessesUnknownHint') },
          ]}
        />
        <Checkboxes name="occupations" legend={t('centres.occupationsLegend')} hint={t('centres.occupationsHint')} values={form.occupations} error={errors.occupations} options={props.occupations} />
        <p class="field-hint">{t('centres.locationKept')}</p>
        <Button>{t('centres.saveDetails')}</Button>
      </PostForm>
    </Layout>
  );
}

/** GET and POST /console/centres/:id/details: admins of the centre's institution. */
export const centreDetailsPages: ConsolePages = (router, services) => {
  const { deps, audit } = services;

  router.get('/centres/:id/details', signedIn('admin'), async (req, res) => {
    const centre = await centreOf(req, res, deps);
    if (centre) renderDetails(req, res, services, centre, detailsFormOf(centre), [], 200);
  });

  router.post('/centres/:id/details', signedIn('admin'), async (req, res) => {
    const centre = await centreOf(req, res, deps);
    if (!centre) return;
    const me = viewerOf(res);
    const { t } = pageContext(req, res);
    const fields = formFields(req, ['name', 'city', 'address', 'phone', 'assesses']);
    const form: DetailsForm = { ...fields, occupations: formList(req, 'occupations') };
    const parsed = parseDetails(form, centre, new Set(deps.catalog.occupations.map((o) => o.id)));
    if (!parsed.ok) return renderDetails(req, res, services, centre, form, parsed.errors.map((e) => ({ field: e.field, message: t(e.key) })), 400);
    const next: Centre = { ...centre, ...parsed.details, source: sourceNote(centre, 'Details', deps.now()) };
    await deps.centres.save(next);
    await audit.record({ who: me.email, institution: me.institution, action: 'centre.details', target: centre.id, before: detailsSummary(centre), after: detailsSummary(next) });
    req.session.flash = { centreNotice: 'details' };
    res.redirect(303, `/console/centres/${centre.id}`);
  });
};

function renderDetails(req: Request, res: Response, { deps }: ConsoleServices, centre: Centre, form: DetailsForm, errors: FieldError[], status: number): void {
  const ctx = pageContext(req, res);
  const occupations = deps.catalog.occupations.map((o) => ({ value: o.id, label: o.name[ctx.lang] })).sort((a, b) => a.label.localeCompare(b.label, ctx.lang));
  const institutionName = deps.catalog.institution(centre.institution)?.acronym ?? centre.institution;
  sendPage(res, <DetailsPage ctx={ctx} centre={centre} institutionName={institutionName} occupations={occupations} form={form} errors={errors} />, status);
}
