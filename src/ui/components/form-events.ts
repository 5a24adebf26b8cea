/**
 * UI Kit form fields hand their handlers a serialised DOM event (`{ target: { value, checked } }`) and Select hands
 * back the chosen option(s); these read them without trusting their shape.
 */
function target(event: unknown): Record<string, unknown> | undefined {
  if (typeof event !== 'object' || event === null || !('target' in event)) return undefined;
  const value: unknown = event.target;
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

export function eventValue(event: unknown): string {
  const value = target(event)?.value;
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

export function eventChecked(event: unknown): boolean {
  return target(event)?.checked === true;
}

export function optionValues(options: unknown): string[] {
  if (!Array.isArray(options)) return [];
  return options.flatMap((option: unknown) =>
    typeof option === 'object' && option !== null && 'value' in option && typeof option.value === 'string'
      ? [option.value]
      : [],
  );
}

/** The chosen option of a single Select (null when cleared). */
export function optionValue(option: unknown): string {
  if (
    typeof option === 'object' &&
    option !== null &&
    'value' in option &&
    typeof option.value === 'string'
  ) {
    return option.value;
  }
  return '';
}
