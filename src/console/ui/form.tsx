import type { ComponentChildren } from 'preact';

/**
 * Form fields in the GOV.UK Design System's shape: the label above the input, then a hint, then
 * the error (when there is one), then the input, tied together with aria-describedby. The field's
 * id is its name unless given, so an ErrorSummary can link to `#<name>`.
 *
 * @example
 *   <TextInput name="email" type="email" label={t('signIn.email')} hint={t('signIn.emailHint')}
 *              value={values.email} error={errors.email} autocomplete="username" />
 */
export interface FieldProps {
  name: string;
  /** Defaults to `name`. */
  id?: string;
  label: string;
  hint?: string;
  /** The message shown with the field, and linked from the ErrorSummary. */
  error?: string | undefined;
}

/** Ids of the hint and error of a field, for aria-describedby. */
function describedBy(id: string, hint?: string, error?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

/** The hint and error lines under a label or legend. */
function HintAndError(props: { id: string; hint?: string | undefined; error?: string | undefined }) {
  return (
    <>
      {props.hint && (
        <small id={`${props.id}-hint`} class="field-hint">
          {props.hint}
        </small>
      )}
      {props.error && (
        <p id={`${props.id}-error`} class="field-error">
          {props.error}
        </p>
      )}
    </>
  );
}

/** A one-line text field. `width` is a hint to the reader of how long the answer is. */
export function TextInput(
  props: FieldProps & {
    value?: string | undefined;
    type?: 'text' | 'email' | 'password' | 'tel' | 'number' | 'search' | 'url';
    autocomplete?: string;
    inputmode?: 'text' | 'numeric' | 'decimal' | 'email' | 'tel';
    width?: 'short' | 'medium' | 'full';
    required?: boolean;
    spellcheck?: boolean;
    /** Only the one field a page exists for (the simulator's message box). */
    autofocus?: boolean;
    maxlength?: number;
  },
) {
  const id = props.id ?? props.name;
  return (
    <div class={`field${props.error ? ' field--error' : ''}`}>
      <label for={id}>{props.label}</label>
      <HintAndError id={id} hint={props.hint} error={props.error} />
      <input
        id={id}
        name={props.name}
        // Preact types each input type separately; the union of ours is checked by TextInput's props.
        type={(props.type ?? 'text') as 'text'}
        value={props.value ?? ''}
        autocomplete={props.autocomplete}
        inputMode={props.inputmode}
        required={props.required}
        spellcheck={props.spellcheck}
        autofocus={props.autofocus}
        maxLength={props.maxlength}
        class={props.width ? `width-${props.width}` : undefined}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(id, props.hint, props.error)}
      />
    </div>
  );
}

/** A calendar date (the browser's date picker; the value is YYYY-MM-DD). */
export function DateInput(props: FieldProps & { value?: string | undefined; min?: string; max?: string }) {
  const id = props.id ?? props.name;
  return (
    <div class={`field${props.error ? ' field--error' : ''}`}>
      <label for={id}>{props.label}</label>
      <HintAndError id={id} hint={props.hint} error={props.error} />
      <input id={id} name={props.name} type="date" value={props.value ?? ''} min={props.min} max={props.max} class="width-short"
        aria-invalid={props.error ? 'true' : undefined} aria-describedby={describedBy(id, props.hint, props.error)} />
    </div>
  );
}

/** A time of day (HH:MM, 24-hour; `step` in seconds, 900 for quarter hours). */
export function TimeInput(props: FieldProps & { value?: string | undefined; step?: number }) {
  const id = props.id ?? props.name;
  return (
    <div class={`field${props.error ? ' field--error' : ''}`}>
      <label for={id}>{props.label}</label>
      <HintAndError id={id} hint={props.hint} error={props.error} />
      <input id={id} name={props.name} type="time" value={props.value ?? ''} step={props.step} class="width-short"
        aria-invalid={props.error ? 'true' : undefined} aria-describedby={describedBy(id, props.hint, props.error)} />
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
  /** A line under the option (radios and checkboxes only). */
  hint?: string;
}

/** A drop-down list. Prefer Radios for fewer than about 7 options: they are all visible at once. */
export function Select(props: FieldProps & { options: Option[]; value?: string | undefined }) {
  const id = props.id ?? props.name;
  return (
    <div class={`field${props.error ? ' field--error' : ''}`}>
      <label for={id}>{props.label}</label>
      <HintAndError id={id} hint={props.hint} error={props.error} />
      <select id={id} name={props.name} aria-invalid={props.error ? 'true' : undefined} aria-describedby={describedBy(id, props.hint, props.error)}>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Options in a fieldset whose legend asks the question. The first option's id is `name` (the ErrorSummary's link). */
function Choices(props: { kind: 'radio' | 'checkbox'; name: string; legend: string; hint?: string | undefined; error?: string | undefined; options: Option[]; checked: (value: string) => boolean }) {
  const { name } = props;
  return (
    <fieldset class={`field${props.error ? ' field--error' : ''}`} aria-describedby={describedBy(name, props.hint, props.error)}>
      <legend>{props.legend}</legend>
      <HintAndError id={name} hint={props.hint} error={props.error} />
      {props.options.map((o, i) => {
        const id = i === 0 ? name : `${name}-${i + 1}`;
        return (
          <div class="choice">
            <input type={props.kind} id={id} name={name} value={o.value} checked={props.checked(o.value)}
              aria-invalid={props.error ? 'true' : undefined} aria-describedby={o.hint ? `${id}-item-hint` : undefined} />
            <label for={id}>{o.label}</label>
            {o.hint && (
              <small id={`${id}-item-hint`} class="choice-hint">
                {o.hint}
              </small>
            )}
          </div>
        );
      })}
    </fieldset>
  );
}

/** One answer out of a few. */
export function Radios(props: { name: string; legend: string; hint?: string; error?: string | undefined; options: Option[]; value?: string | undefined }) {
  return <Choices kind="radio" {...props} checked={(v) => v === props.value} />;
}

/** Any number of answers (the form sends `name` once per ticked box). */
export function Checkboxes(props: { name: string; legend: string; hint?: string; error?: string | undefined; options: Option[]; values?: readonly string[] }) {
  return <Choices kind="checkbox" {...props} checked={(v) => (props.values ?? []).includes(v)} />;
}

/**
 * A button that says what it does ("Send invitation", not "Submit").
 * `secondary` for a lesser action beside the main one, `danger` for one that cannot be undone.
 */
export function Button(props: { children: ComponentChildren; variant?: 'primary' | 'secondary' | 'danger'; type?: 'submit' | 'button'; name?: string; value?: string }) {
  const variant = props.variant ?? 'primary';
  return (
    <button type={props.type ?? 'submit'} name={props.name} value={props.value} class={variant === 'primary' ? undefined : variant}>
      {props.children}
    </button>
  );
}

/**
 * A form that changes something: method POST with the CSRF token as a hidden field (every POST
 * without it is refused with 403). `novalidate`: the server's messages, in the page's language and
 * in the error summary, are the ones people see.
 *
 * @example <PostForm action="/console/sign-out" csrfToken={ctx.csrfToken}><Button variant="secondary">{t('signOut')}</Button></PostForm>
 */
export function PostForm(props: { action: string; csrfToken: string; children: ComponentChildren; class?: string; label?: string }) {
  return (
    <form method="post" action={props.action} novalidate class={props.class} aria-label={props.label}>
      <input type="hidden" name="_csrf" value={props.csrfToken} />
      {props.children}
    </form>
  );
}
