/** Stable dialog ids. Step ids are `<dialog id>.<step name>` (see StepDialog.stepId). */
export const DialogIds = {
  start: 'start',
  menu: 'menu',
  route: 'route',
  language: 'language',
  erase: 'erase',
  prescreen: 'prescreen',
  booking: 'booking',
  appointment: 'appointment',
} as const;
