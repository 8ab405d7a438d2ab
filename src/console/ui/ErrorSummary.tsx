/** One problem with a form: the id of the field (its name, for most fields) and what to do about it. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * The GOV.UK error summary: at the top of the page, a heading and one link per problem to its field.
 * It takes the focus when the page loads (`autofocus`, no script needed), so a screen reader reads
 * it first and a keyboard user is one Tab from the first link. Renders nothing without errors.
 *
 * @example <ErrorSummary title={t('errors.title')} errors={[{ field: 'email', message: t('signIn.errors.emailMissing') }]} />
 */
export function ErrorSummary(props: { title: string; errors: readonly FieldError[] }) {
  if (props.errors.length === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} autofocus>
      <h2 id="error-summary-title">{props.title}</h2>
      <ul>
        {props.errors.map((e) => (
          <li>
            <a href={`#${e.field}`}>{e.message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The first error of each field, by field, for the fields' own messages. */
export function errorsByField(errors: readonly FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) out[e.field] ??= e.message;
  return out;
}
