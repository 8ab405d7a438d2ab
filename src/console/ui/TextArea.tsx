import type { FieldProps } from './form.js';

/**
 * A text of several lines, in the GOV.UK shape of the other fields (label, hint, error, then the
 * box, tied together with aria-describedby). `rows` says how much text is expected.
 *
 * @example <TextArea name="es" id="text-es" label={t('facts.in.es')} hint={t('facts.stepsHint')} value={form.es} error={errors['text-es']} rows={6} />
 */
export function TextArea(props: FieldProps & { value?: string | undefined; rows?: number; lang?: string; spellcheck?: boolean }) {
  const id = props.id ?? props.name;
  const described = [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={`field${props.error ? ' field--error' : ''}`}>
      <label for={id}>{props.label}</label>
      {props.hint && (
        <small id={`${id}-hint`} class="field-hint">
          {props.hint}
        </small>
      )}
      {props.error && (
        <p id={`${id}-error`} class="field-error">
          {props.error}
        </p>
      )}
      <textarea
        id={id}
        name={props.name}
        rows={props.rows ?? 4}
        lang={props.lang}
        spellcheck={props.spellcheck}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={described || undefined}
      >
        {props.value ?? ''}
      </textarea>
    </div>
  );
}
