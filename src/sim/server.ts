/**
 * The simulated Bitbucket Cloud, on loopback: the REST API under `/2.0` on one port and the log store that step
 * logs redirect to on a second port, with optional auth and injected faults. Every request is counted by endpoint
 * so benchmarks can measure what a client spends.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorJson } from './api-json';
import { apiRouter, errorResponse, type WritableState } from './api-routes';
import { faultBody, FaultInjector, type FaultConfig, type FaultKind } from './faults';
import { rejectsAuthorization, serveBytes } from './log-server';
import { stepLog } from './logs';
import type { SimPipeline, SimRepo, SimStep, SimWorkspace } from './model';
import { createRng } from './prng';
import { json, type SimRequest, type SimResponse } from './router';

export type { FaultConfig, FaultKind } from './faults';

export interface SimServerOptions {
  workspace: SimWorkspace;
  port?: number;
  logPort?: number;
  /** When set, `/2.0/*` requires `Authorization: Bearer <token>` or Basic auth with this password. */
  token?: string;
  faults?: FaultConfig;
  /** Whether `test_cases` honours `status=` (see ApiDeps); off by default. */
  testCaseStatusFilter?: boolean;
}

export interface SimServerStats {
  requests: number;
  byEndpoint: Record<string, number>;
  faultsInjected: number;
  faultsByKind: Partial<Record<FaultKind, number>>;
}

export interface SimServer {
  /** e.g. `http://127.0.0.1:PORT/2.0` */
  apiUrl: string;
  logUrl: string;
  stats: SimServerStats;
  workspace: SimWorkspace;
  /** What clients wrote: repository variables, Code Insights reports and annotations (keyed `repo:commit:report`). */
  written: WritableState;
  setFaults(faults: FaultConfig | undefined): void;
  /** Zeroes the counters, e.g. between two phases of a benchmark. */
  resetStats(): void;
  close(): Promise<void>;
}

const LOG_CACHE_SIZE = 16;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, response: SimResponse): void {
  if (res.destroyed) return;
  const body = response.body ?? '';
  res.writeHead(response.status, { ...response.headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

function authorized(header: string | undefined, token: string): boolean {
  if (!header) return false;
  if (header === `Bearer ${token}`) return true;
  if (!header.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1) === token;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startSimServer(options: SimServerOptions): Promise<SimServer> {
  const ws = options.workspace;
  const faults = new FaultInjector(options.faults);
  const stats: SimServerStats = { requests: 0, byEndpoint: {}, faultsInjected: 0, faultsByKind: {} };
  const hangs = new Set<NodeJS.Timeout>();
  const logCache = new Map<string, Buffer>();
  const state: WritableState = { variables: new Map(), reports: new Map(), annotations: new Map() };
  const urls = { api: '', log: '' };

  const count = (endpoint: string): void => {
    stats.requests += 1;
    stats.byEndpoint[endpoint] = (stats.byEndpoint[endpoint] ?? 0) + 1;
  };
  const stackOf = (repo: SimRepo) => ws.planted.specs.find((s) => s.slug === repo.slug)?.stack ?? 'node';
  const attemptLog = (
    repo: SimRepo,
    p: SimPipeline,
    step: SimStep,
    runNumber: number,
  ): Buffer | undefined => {
    const key = `${step.uuid}:${runNumber}`;
    const cached = logCache.get(key);
    if (cached) return cached;
    const attempt = step.attempts.find((a) => a.runNumber === runNumber);
    if (!attempt) return undefined;
    const text = Buffer.from(stepLog(repo, p, step, attempt, stackOf(repo)), 'utf8');
    if (logCache.size >= LOG_CACHE_SIZE) logCache.delete(logCache.keys().next().value ?? '');
    logCache.set(key, text);
    return text;
  };

  const router = apiRouter({
    ws: () => ws,
    state,
    ...(options.testCaseStatusFilter ? { testCaseStatusFilter: true } : {}),
    logLocation: (repo, p, step, runNumber) => {
      const signature = createRng(`${step.uuid}:${runNumber}:sig`).hex(64);
      return `${urls.log}/logs/${repo.uuid}/${p.uuid}/${step.uuid}/${runNumber}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=60&X-Amz-Signature=${signature}`;
    },
    liveLog: (repo, p, step) => {
      const attempt = step.attempts[step.attempts.length - 1];
      const full = attempt ? attemptLog(repo, p, step, attempt.runNumber) : undefined;
      if (!full || !attempt) return '';
      const elapsed =
        (Date.parse(ws.now) - Date.parse(attempt.startedOn)) / (attempt.durationSeconds * 1000 || 1);
      return full
        .subarray(0, Math.floor(full.length * Math.min(1, Math.max(0, elapsed)) * 0.9))
        .toString('utf8');
    },
  });

  /** Answers with the injected fault; returns true when the request is taken care of. */
  const applyFault = (
    kind: FaultKind | undefined,
    res: ServerResponse,
    respond: () => SimResponse,
  ): boolean => {
    if (!kind) return false;
    stats.faultsInjected += 1;
    stats.faultsByKind[kind] = (stats.faultsByKind[kind] ?? 0) + 1;
    if (kind === 'timeout') {
      const timer = setTimeout(() => {
        hangs.delete(timer);
        send(res, respond());
      }, faults.hangMs);
      hangs.add(timer);
    } else if (kind === 'truncated') {
      const full = respond();
      const body = Buffer.from(full.body ?? '');
      send(res, { ...full, body: body.subarray(0, Math.floor(body.length / 2)) });
    } else {
      const { contentType, body } = faultBody(kind);
      send(res, { status: Number(kind), headers: { 'content-type': contentType }, body });
    }
    return true;
  };

  const api = createServer((req, res) => {
    void readBody(req).then((body) => {
      const url = new URL(req.url ?? '/', urls.api);
      const method = req.method ?? 'GET';
      const path = url.pathname.replace(/^\/2\.0(?=\/)/, '');
      const matched = url.pathname.startsWith('/2.0/') ? router.match(method, path) : undefined;
      const endpoint = matched?.name ?? 'unknown';
      count(endpoint);
      if (options.token !== undefined && !authorized(req.headers.authorization, options.token)) {
        send(res, {
          ...json(401, errorJson('Unauthorized', 'Invalid or missing access token')),
          headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="Bitbucket"' },
        });
        return;
      }
      const respond = (): SimResponse => {
        if (!matched) return json(404, errorJson(`Resource not found: ${method} ${url.pathname}`));
        const simReq: SimRequest = {
          method,
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body,
          params: matched.params,
          apiUrl: urls.api,
        };
        try {
          return matched.handler(simReq);
        } catch (error) {
          return errorResponse(error);
        }
      };
      if (!applyFault(faults.next(endpoint, false, matched?.params['repo']), res, respond))
        send(res, respond());
    });
  });

  const logs = createServer((req, res) => {
    count('log.fetch');
    const rejected = rejectsAuthorization(req.headers);
    if (rejected) return send(res, rejected);
    const respond = (): SimResponse => {
      const [, prefix, repoId, pipelineId, stepId, run] = new URL(req.url ?? '/', urls.log).pathname.split(
        '/',
      );
      const repo = ws.repos.find((r) => r.uuid === repoId);
      const p = repo?.pipelines.find((x) => x.uuid === pipelineId);
      const step = p?.steps.find((s) => s.uuid === stepId);
      const text =
        prefix === 'logs' && repo && p && step ? attemptLog(repo, p, step, Number(run)) : undefined;
      if (!text)
        return {
          status: 404,
          headers: { 'content-type': 'application/xml' },
          body: '<Error><Code>NoSuchKey</Code></Error>',
        };
      return serveBytes(text, req.headers.range);
    };
    const repoId = new URL(req.url ?? '/', urls.log).pathname.split('/')[2];
    if (!applyFault(faults.next('log.fetch', true, repoId), res, respond)) send(res, respond());
  });

  const apiPort = await listen(api, options.port ?? 0);
  const logPort = await listen(logs, options.logPort ?? 0);
  urls.api = `http://127.0.0.1:${apiPort}/2.0`;
  urls.log = `http://127.0.0.1:${logPort}`;

  const closeServer = (server: Server): Promise<void> =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });

  return {
    apiUrl: urls.api,
    logUrl: urls.log,
    stats,
    workspace: ws,
    written: state,
    setFaults: (f) => faults.set(f),
    resetStats: () => {
      stats.requests = 0;
      stats.byEndpoint = {};
      stats.faultsInjected = 0;
      stats.faultsByKind = {};
    },
    close: async () => {
      for (const timer of hangs) clearTimeout(timer);
      hangs.clear();
      await Promise.all([closeServer(api), closeServer(logs)]);
    },
  };
}
