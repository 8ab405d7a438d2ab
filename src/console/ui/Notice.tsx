import type { ComponentChildren } from 'preact';

/**
 * A message about the page or what just happened: `success` after an action ("Invitation made"),
 * `info` for something to know, `warning` for something to act on. Announced politely by screen readers.
 *
 * @example <Notice tone="success" title={t('users.invited')}>{link}</Notice>
 */
export function Notice(props: { tone?: 'info' | 'success' | 'warning'; title?: string; children?: ComponentChildren }) {
  const tone = props.tone ?? 'info';
  return (
    <div class={`notice notice--${tone}`} role={tone === 'warning' ? 'alert' : 'status'}>
      {props.title && <p class="notice-title">{props.title}</p>}
      {props.children}
    </div>
  );
}

/**
 * A banner across the top of every page, for the whole service (e.g. "Development samples: not real
 * centres"). Use sparingly: one at a time.
 */
export function Banner(props: { children: ComponentChildren }) {
  return (
    <div class="banner">
      <p class="container">{props.children}</p>
    </div>
  );
}
