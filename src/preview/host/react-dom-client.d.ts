/**
 * The part of `react-dom/client` the host uses. `@types/react-dom` is not a dependency of the project; this
 * declares the React 18 root API the installed react-dom provides.
 */
declare module 'react-dom/client' {
  import type { ReactNode } from 'react';

  export interface Root {
    render(children: ReactNode): void;
    unmount(): void;
  }

  export function createRoot(container: Element | DocumentFragment): Root;
}
