/**
 * A scripted Bitbucket transport for tests: either a queue of expected request → response pairs (a request that
 * does not match the next expectation fails loudly) or a handler function. Every request is recorded, so tests
 * assert the exact call log, retries included.
 */
import { TransportError } from '../../src/bitbucket/errors';
import type { HttpRequest, HttpResponse, Transport } from '../../src/bitbucket/transport';

export type ScriptedReply = HttpResponse | TransportError;

export interface ScriptStep {
  /** `GET /repositories/ws/repo/pipelines?...`: method and URL, exactly. */
  expect: string;
  /** Headers the request must carry (lower-case names); `null` means the header must be absent. */
  headers?: Record<string, string | null>;
  reply: ScriptedReply;
}

export type ScriptHandler = (req: HttpRequest) => ScriptedReply | Promise<ScriptedReply>;

export class ScriptedTransport implements Transport {
  readonly calls: HttpRequest[] = [];
  private readonly steps: ScriptStep[];
  private readonly handler: ScriptHandler | undefined;

  private constructor(steps: ScriptStep[], handler?: ScriptHandler) {
    this.steps = steps;
    this.handler = handler;
  }

  static script(...steps: ScriptStep[]): ScriptedTransport {
    return new ScriptedTransport([...steps]);
  }

  static handler(handler: ScriptHandler): ScriptedTransport {
    return new ScriptedTransport([], handler);
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    this.calls.push(req);
    const reply = this.handler ? await this.handler(req) : this.nextScripted(req);
    if (reply instanceof TransportError) throw reply;
    return reply;
  }

  /** Steps not consumed yet: a test fails when the client made fewer calls than scripted. */
  get remaining(): number {
    return this.steps.length;
  }

  private nextScripted(req: HttpRequest): ScriptedReply {
    const step = this.steps.shift();
    const line = callLine(req);
    if (!step) throw new Error(`unexpected request (script is empty): ${line}`);
    if (step.expect !== line)
      throw new Error(`request mismatch:\n  expected ${step.expect}\n  actual   ${line}`);
    for (const [name, value] of Object.entries(step.headers ?? {})) {
      const actual = headerOf(req, name);
      if (actual !== (value ?? undefined)) {
        throw new Error(`header ${name} of ${line}: expected ${String(value)}, got ${String(actual)}`);
      }
    }
    return step.reply;
  }
}

export function headerOf(req: HttpRequest, name: string): string | undefined {
  const found = Object.entries(req.headers ?? {}).find(([k]) => k.toLowerCase() === name.toLowerCase());
  return found?.[1];
}

/** `GET /path?query`: the form call logs and script expectations use. */
export function callLine(req: HttpRequest): string {
  return `${req.method} ${req.url}`;
}

/** The call log as lines, for `expect(callLog(t)).toEqual([...])`. */
export function callLog(transport: ScriptedTransport): string[] {
  return transport.calls.map(callLine);
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function text(status: number, body: string, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'text/plain', ...headers }, body };
}

export function networkError(url = '/', reason = 'ECONNRESET'): TransportError {
  return new TransportError('GET', url, reason);
}
