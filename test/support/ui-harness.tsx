/**
 * Renders a UI Kit surface through the real `@forge/react` reconciler against a fake Forge host, the way the product
 * does: the app sends its tree ("forgeDoc") over the bridge, the host shows it, and user actions come back as calls
 * to the handlers the tree carries. Here the host:
 * - answers `invoke` from a scripted map of resolver replies (ok, resolver error, thrown error, delayed, held open),
 *   and records every call with its payload;
 * - keeps the latest forgeDoc and serialises it as the host receives it (functions become handler ids; a React
 *   element in a prop fails the test, since it cannot cross the bridge);
 * - offers queries over the tree (by type, by text, table rows) and fires handlers (onClick, onChange) by id.
 */
import { setHost } from './forge-host-global';
import { StrictMode, act, useEffect, useState, type ReactElement, type ReactNode } from 'react';
import ForgeReconciler from '@forge/react';
import type {
  ResolverErrorBody,
  ResolverName,
  ResolverPayload,
  ResolverResult,
} from '../../src/contract/resolvers';

// ---- Scripted resolvers -------------------------------------------------------------------------------------------

/** A failure fits any resolver's script. */
export type Failure =
  | { kind: 'error'; body: ResolverErrorBody; delayMs?: number }
  | { kind: 'throw'; message: string; delayMs?: number };

export type Reply<N extends ResolverName> =
  | { kind: 'ok'; result: ResolverResult<N>; delayMs?: number }
  | Failure
  | { kind: 'held'; promise: Promise<ResolverResult<N>> };

type Responder<N extends ResolverName> = Reply<N> | Reply<N>[] | ((payload: ResolverPayload<N>) => Reply<N>);
export type Script = { [N in ResolverName]?: Responder<N> };

/** The resolver's answer; checked against the contract where it is placed in a `Script`. */
export const ok = <T,>(result: T, delayMs?: number): { kind: 'ok'; result: T; delayMs?: number } => ({
  kind: 'ok',
  result,
  delayMs,
});
/** The resolver answers a `ResolverErrorBody` (an expected failure: no access, Jira said no...). */
export const fails = (code: ResolverErrorBody['error']['code'], message: string): Failure => ({
  kind: 'error',
  body: { error: { code, message } },
});
/** `invoke` itself rejects (resolver crashed, timed out, network). */
export const crashes = (message: string): Failure => ({ kind: 'throw', message });

/** A reply the test releases itself, to look at the page while the call is in flight. */
export function held<N extends ResolverName>(): {
  reply: Reply<N>;
  resolve: (result: ResolverResult<N>) => void;
} {
  let resolve: (result: ResolverResult<N>) => void = () => undefined;
  const promise = new Promise<ResolverResult<N>>((done) => {
    resolve = done;
  });
  return { reply: { kind: 'held', promise }, resolve };
}

export interface InvokeCall {
  name: string;
  payload: unknown;
}

// ---- The serialised tree ----------------------------------------------------------------------------------------

export interface HandlerRef {
  handler: string;
}

export interface UiNode {
  type: string;
  props: Record<string, unknown>;
  children: UiNode[];
}

interface LiveNode {
  type: string;
  props: Record<string, unknown>;
  children: LiveNode[];
}

function isHandlerRef(value: unknown): value is HandlerRef {
  return (
    typeof value === 'object' && value !== null && 'handler' in value && typeof value.handler === 'string'
  );
}

function isReactElement(value: unknown): boolean {
  return typeof value === 'object' && value !== null && '$$typeof' in value;
}

let anonymousHandlers = 0;
function handlerId(fn: (...args: unknown[]) => unknown): string {
  const tagged = fn as { __id__?: string };
  tagged.__id__ ??= `handler-${++anonymousHandlers}`;
  return tagged.__id__;
}

/** What crosses the bridge: plain data, with each function replaced by its id (kept in `handlers`). */
function serialise(node: LiveNode, handlers: Map<string, (...args: unknown[]) => unknown>): UiNode {
  const wire = (value: unknown, where: string): unknown => {
    if (typeof value === 'function') {
      const fn = value as (...args: unknown[]) => unknown;
      const id = handlerId(fn);
      handlers.set(id, fn);
      return { handler: id } satisfies HandlerRef;
    }
    if (isReactElement(value)) {
      throw new Error(
        `${where} holds a React element: UI Kit cannot send it to the host; render it as a child`,
      );
    }
    if (Array.isArray(value)) return value.map((item, index) => wire(item, `${where}[${index}]`));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, wire(item, `${where}.${key}`)]),
      );
    }
    return value;
  };
  const props = Object.fromEntries(
    Object.entries(node.props).map(([key, value]) => [key, wire(value, `${node.type}.${key}`)]),
  );
  return { type: node.type, props, children: node.children.map((child) => serialise(child, handlers)) };
}

/** Props whose strings the person reads on screen, beyond text children. */
const VISIBLE_PROPS: Record<string, string[]> = {
  EmptyState: ['header', 'description'],
  SectionMessage: ['title'],
  LineChart: ['title'],
  BarChart: ['title'],
  DonutChart: ['title'],
  Textfield: ['value'],
};

function visibleProps(node: UiNode): string[] {
  const texts = (VISIBLE_PROPS[node.type] ?? [])
    .map((name) => node.props[name])
    .filter((v) => typeof v === 'string');
  if (node.type === 'Select') {
    const value = node.props.value;
    const chosen = Array.isArray(value) ? value : value ? [value] : [];
    for (const option of chosen) {
      if (typeof option === 'object' && option !== null && 'label' in option)
        texts.push(String(option.label));
    }
  }
  return texts as string[];
}

/** Text as a person reads it: adjacent strings run together, separate elements are separated by a space. */
export function textOf(node: UiNode): string {
  if (node.type === 'String') return String(node.props.text ?? '');
  const parts: string[] = [...visibleProps(node)];
  let run = '';
  for (const child of node.children) {
    if (child.type === 'String') {
      run += textOf(child);
      continue;
    }
    if (run) parts.push(run);
    run = '';
    parts.push(textOf(child));
  }
  if (run) parts.push(run);
  return parts
    .filter((part) => part !== '')
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function matches(text: string, match: string | RegExp): boolean {
  return typeof match === 'string' ? text.includes(match) : match.test(text);
}

function walk(node: UiNode, visit: (node: UiNode) => void): void {
  visit(node);
  for (const child of node.children) walk(child, visit);
}

function describe(node: UiNode): string {
  return `${node.type} "${textOf(node).slice(0, 120)}"`;
}

// ---- Queries ----------------------------------------------------------------------------------------------------

export interface TableRow {
  key: unknown;
  cells: UiNode[];
  texts: string[];
}

export class Scope {
  constructor(protected readonly tree: () => UiNode) {}

  get node(): UiNode {
    return this.tree();
  }

  text(): string {
    return textOf(this.tree());
  }

  all(type: string, where: (node: UiNode) => boolean = () => true): UiNode[] {
    const found: UiNode[] = [];
    walk(this.tree(), (node) => {
      if (node.type === type && where(node)) found.push(node);
    });
    return found;
  }

  one(type: string, where: (node: UiNode) => boolean = () => true): UiNode {
    const found = this.all(type, where);
    if (found.length !== 1) {
      throw new Error(`Expected one ${type}, found ${found.length}:\n${found.map(describe).join('\n')}`);
    }
    return found[0] as UiNode;
  }

  /** The innermost elements whose text matches: the element a person would point at. */
  allByText(match: string | RegExp): UiNode[] {
    const found: UiNode[] = [];
    const visit = (node: UiNode): boolean => {
      if (node.type === 'String') return false;
      const inChild = node.children.map(visit).some(Boolean);
      if (inChild) return true;
      if (matches(textOf(node), match)) {
        found.push(node);
        return true;
      }
      return false;
    };
    visit(this.tree());
    return found;
  }

  byText(match: string | RegExp): UiNode {
    const found = this.allByText(match);
    if (found.length !== 1) {
      throw new Error(
        `Expected one element with text ${String(match)}, found ${found.length}:\n${found.map(describe).join('\n')}\n---\n${this.text().slice(0, 2000)}`,
      );
    }
    return found[0] as UiNode;
  }

  hasText(match: string | RegExp): boolean {
    return matches(this.text(), match);
  }

  /** A Button, LoadingButton or LinkButton by its exact label. */
  button(label: string): UiNode {
    const buttons = ['Button', 'LoadingButton', 'LinkButton'].flatMap((type) =>
      this.all(type, (node) => textOf(node) === label),
    );
    if (buttons.length !== 1) throw new Error(`Expected one button "${label}", found ${buttons.length}`);
    return buttons[0] as UiNode;
  }

  buttons(label: string): UiNode[] {
    return ['Button', 'LoadingButton', 'LinkButton'].flatMap((type) =>
      this.all(type, (node) => textOf(node) === label),
    );
  }

  /** The container a Heading titles: the element whose direct child is that Heading. */
  section(heading: string): Scope {
    const found: UiNode[] = [];
    walk(this.tree(), (node) => {
      if (node.children.some((child) => child.type === 'Heading' && textOf(child) === heading))
        found.push(node);
    });
    if (found.length !== 1)
      throw new Error(`Expected one section titled "${heading}", found ${found.length}`);
    return new Scope(() => found[0] as UiNode);
  }

  /** The index-th TabPanel, found again on every query (UI Kit sends all panels; the host shows one). */
  tabPanel(index: number): Scope {
    return new Scope(() => {
      const panel = this.all('TabPanel')[index];
      if (!panel) throw new Error(`No tab panel ${index}`);
      return panel;
    });
  }

  within(node: UiNode): Scope {
    return new Scope(() => node);
  }

  /** A DynamicTable's caption-identified rows, in the order the app sent them. */
  table(caption: string): { headers: string[]; rows: TableRow[] } {
    const table = this.one('DynamicTable', (node) => node.props.caption === caption);
    const section = (name: string) =>
      table.children.find((child) => child.type === 'ContentWrapper' && child.props.name === name)
        ?.children ?? [];
    const headers = section('head').map(textOf);
    const rows = section('rows').map((row) => ({
      key: row.props.rowKey,
      cells: row.children,
      texts: row.children.map(textOf),
    }));
    return { headers, rows };
  }
}

// ---- The fake host and the rendered screen ------------------------------------------------------------------------

class Session {
  calls: InvokeCall[] = [];
  navigations: unknown[] = [];
  root?: LiveNode;
  inFlight = 0;
  unmount?: () => void;

  constructor(private readonly script: Script) {}

  handle = (cmd: string, data: unknown): Promise<unknown> => {
    switch (cmd) {
      case 'reconcile': {
        const doc = (data as { forgeDoc: LiveNode }).forgeDoc;
        if (this.root === undefined && !retiredRoots.has(doc)) this.root = doc;
        return Promise.resolve(undefined);
      }
      case 'invoke': {
        const { functionKey, payload } = data as { functionKey: ResolverName; payload: unknown };
        this.calls.push({ name: functionKey, payload });
        return this.answer(functionKey, payload);
      }
      case 'navigate':
        this.navigations.push(data);
        return Promise.resolve(undefined);
      default:
        return Promise.resolve(undefined);
    }
  };

  private nextReply(name: ResolverName, payload: unknown): Reply<ResolverName> {
    const responder = this.script[name] as Responder<ResolverName> | undefined;
    if (responder === undefined) throw new Error(`The test script has no reply for resolver "${name}"`);
    if (typeof responder === 'function') return responder(payload as never);
    if (!Array.isArray(responder)) return responder;
    // A sequence answers call by call and then keeps repeating its last reply.
    const count = this.calls.filter((entry) => entry.name === name).length;
    const reply = responder[Math.min(count, responder.length) - 1];
    if (reply === undefined) throw new Error(`Empty reply sequence for "${name}"`);
    return reply;
  }

  private answer(name: ResolverName, payload: unknown): Promise<unknown> {
    const reply = this.nextReply(name, payload);
    if (reply.kind === 'held') return reply.promise;
    this.inFlight += 1;
    return new Promise((resolve, reject) => {
      setTimeout(() => {
        this.inFlight -= 1;
        // Forge passes an error body through as the resolver's return value; a thrown error rejects `invoke`.
        if (reply.kind === 'ok') resolve(reply.result);
        else if (reply.kind === 'error') resolve(reply.body);
        else reject(new Error(reply.message));
      }, reply.delayMs ?? 0);
    });
  }
}

const retiredRoots = new WeakSet<object>();
let active: Session | undefined;

function Mountable({ children, onMount }: { children: ReactNode; onMount: (unmount: () => void) => void }) {
  const [mounted, setMounted] = useState(true);
  useEffect(() => onMount(() => setMounted(false)), [onMount]);
  return mounted ? children : null;
}

export class Screen extends Scope {
  constructor(private readonly session: Session) {
    super(() => {
      if (!session.root) throw new Error('Nothing was rendered: the reconciler sent no tree to the host');
      return serialise(session.root, new Map());
    });
  }

  /** Every `invoke` the page made, in order. */
  get calls(): InvokeCall[] {
    return this.session.calls;
  }

  callsTo<N extends ResolverName>(name: N): ResolverPayload<N>[] {
    return this.session.calls
      .filter((entry) => entry.name === name)
      .map((entry) => entry.payload as ResolverPayload<N>);
  }

  /** `router.open` / `router.navigate` requests the page made of the host. */
  get navigations(): unknown[] {
    return this.session.navigations;
  }

  /** Lets pending replies, effects and timers run until the page is quiet. */
  async settle(): Promise<void> {
    const deadline = Date.now() + 3000;
    do {
      await act(async () => {
        await new Promise((resolve) => setTimeout(resolve, 0));
      });
    } while (this.session.inFlight > 0 && Date.now() < deadline);
  }

  async waitFor(condition: () => boolean, what = 'condition'): Promise<void> {
    const deadline = Date.now() + 3000;
    while (!condition()) {
      if (Date.now() > deadline)
        throw new Error(`Timed out waiting for ${what}. Page text:\n${this.text().slice(0, 2000)}`);
      await act(async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
      });
    }
  }

  /** Calls a handler the way the host does: by the id it received in the tree, then lets the page settle. */
  async fire(node: UiNode, event: string, ...args: unknown[]): Promise<void> {
    const ref = node.props[event];
    if (!isHandlerRef(ref)) throw new Error(`${describe(node)} has no ${event} handler`);
    const handlers = new Map<string, (...args: unknown[]) => unknown>();
    if (!this.session.root) throw new Error('Nothing rendered');
    serialise(this.session.root, handlers);
    const handler = handlers.get(ref.handler);
    if (!handler)
      throw new Error(`${describe(node)}: its ${event} handler is no longer rendered; query the page again`);
    await act(async () => {
      handler(...args);
    });
    await this.settle();
  }

  click(node: UiNode): Promise<void> {
    return this.fire(node, 'onClick');
  }

  /** Select hands back the chosen option object (an array for `isMulti`). */
  choose(select: UiNode, option: unknown): Promise<void> {
    return this.fire(select, 'onChange', option);
  }

  /** Textfield and Toggle receive a serialised DOM event. */
  type(field: UiNode, value: string): Promise<void> {
    return this.fire(field, 'onChange', serialisedEvent({ value }));
  }

  toggle(toggle: UiNode, checked: boolean): Promise<void> {
    return this.fire(toggle, 'onChange', serialisedEvent({ checked }));
  }

  unmount(): Promise<void> {
    this.session.unmount?.();
    return this.settle();
  }
}

function serialisedEvent(target: Record<string, unknown>) {
  return {
    bubbles: true,
    cancelable: false,
    defaultPrevented: false,
    eventPhase: 2,
    isTrusted: true,
    target,
    timeStamp: Date.now(),
    type: 'change',
  };
}

/** Renders `element` as its entry file does (inside StrictMode) and waits for the first answers to arrive. */
export async function render(
  element: ReactElement,
  script: Script = {},
  options: { settle?: boolean } = {},
): Promise<Screen> {
  await cleanup();
  const session = new Session(script);
  active = session;
  setHost(session.handle);
  const onMount = (unmount: () => void) => {
    session.unmount = unmount;
  };
  await act(async () => {
    ForgeReconciler.render(
      <StrictMode>
        <Mountable onMount={onMount}>{element}</Mountable>
      </StrictMode>,
    );
  });
  const screen = new Screen(session);
  if (options.settle ?? true) await screen.settle();
  return screen;
}

/** Unmounts the last rendered surface (its effects and timers stop), like React Testing Library's cleanup. */
export async function cleanup(): Promise<void> {
  const session = active;
  active = undefined;
  if (!session) return;
  await act(async () => {
    session.unmount?.();
  });
  if (session.root) retiredRoots.add(session.root);
}

afterEach(cleanup);
