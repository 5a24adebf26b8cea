/**
 * The globals a UI Kit app finds in its Forge iframe, installed before any `@forge/*` module loads: `@forge/bridge`
 * captures `globalThis.__bridge.callBridge` when its modules are first required, and the reconciler sends each
 * rendered tree through `self.__bridge.callBridge('reconcile', { forgeDoc })`. The bridge forwards to whichever fake
 * host the current test installed. Imported first by ui-harness.tsx; nothing else should import it.
 */
export type BridgeCall = (cmd: string, data: unknown) => Promise<unknown>;

let current: BridgeCall = () => Promise.resolve(undefined);

export function setHost(host: BridgeCall): void {
  current = host;
}

Object.assign(globalThis, {
  self: globalThis,
  __bridge: { callBridge: (cmd: string, data: unknown) => current(cmd, data) },
  // Tells React that updates are driven through act(), as in React Testing Library.
  IS_REACT_ACT_ENVIRONMENT: true,
});
