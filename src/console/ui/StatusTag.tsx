/**
 * A short status label ("Requested", "Confirmed", "Disabled"). The colour is a help, never the only
 * sign: the words say it. Tones: neutral (grey), info (blue), success (green), warning (amber), danger (red).
 *
 * @example <StatusTag tone="success">{t('status.confirmed')}</StatusTag>
 */
export function StatusTag(props: { tone?: 'neutral' | 'info' | 'success' | 'warning' | 'danger'; children: string }) {
  return <strong class={`tag tag--${props.tone ?? 'neutral'}`}>{props.children}</strong>;
}
