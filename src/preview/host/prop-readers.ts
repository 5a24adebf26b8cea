/**
 * Typed reads of forgeDoc props. Props arrive from the app untyped (in Forge they cross a postMessage boundary),
 * so every component reads them through these instead of casting.
 */
export type DocProps = Record<string, unknown>;
export type AppCallback = (...args: unknown[]) => unknown;

export function readString(props: DocProps, name: string): string | undefined {
  const value = props[name];
  return typeof value === 'string' ? value : undefined;
}

export function readNumber(props: DocProps, name: string): number | undefined {
  const value = props[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function readBoolean(props: DocProps, name: string): boolean | undefined {
  const value = props[name];
  return typeof value === 'boolean' ? value : undefined;
}

export function readCallback(props: DocProps, name: string): AppCallback | undefined {
  const value = props[name];
  return typeof value === 'function' ? (value as AppCallback) : undefined;
}

export function readArray(props: DocProps, name: string): unknown[] | undefined {
  const value = props[name];
  return Array.isArray(value) ? value : undefined;
}

/** A string or a number prop as a string (sizes, keys). */
export function readKey(props: DocProps, name: string): string | number | undefined {
  return readString(props, name) ?? readNumber(props, name);
}

/** Picks the listed props that are set, for passing straight through to an Atlaskit component. */
export function pickDefined(props: DocProps, names: readonly string[]): DocProps {
  const picked: DocProps = {};
  for (const name of names) {
    if (props[name] !== undefined) picked[name] = props[name];
  }
  return picked;
}

/**
 * Calls an app callback the way Forge's host does: with plain, serialisable arguments only (DOM events and
 * Atlaskit analytics events never reach the app), and without letting a failing handler break the host.
 */
export function callApp(callback: AppCallback | undefined, ...args: unknown[]): void {
  if (!callback) return;
  try {
    const result = callback(...args);
    if (result instanceof Promise)
      result.catch((error: unknown) => console.error('UI Kit handler failed', error));
  } catch (error) {
    console.error('UI Kit handler failed', error);
  }
}

/**
 * An event as Forge's host sends it to the app: `SerialisableEvent` from `@atlaskit/forge-react-types`, the
 * plain copy of a DOM event that `useForm` and UI Kit handlers read (`target.type`, `target.value`, ...).
 */
export function serialisableEvent(
  type: string,
  target: { type?: string; value?: string; checked?: boolean; name?: string; id?: string } = {},
): unknown {
  return {
    bubbles: true,
    cancelable: true,
    defaultPrevented: false,
    eventPhase: 3,
    isTrusted: true,
    target: { ...target },
    timeStamp: Date.now(),
    type,
  };
}
