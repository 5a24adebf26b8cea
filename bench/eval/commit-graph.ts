/**
 * A repository's commit graph over the history, built from how a team works: people commit in working hours
 * (weekends are quiet), push one or several commits at a time (one pipeline per push, on its head), and land work
 * on the default branch either directly or by merging a feature branch. A feature branch forks from the default
 * branch at the head of the moment, gets a few pushes, maybe a pull request, maybe a merge of the default branch
 * into itself, and merges back. A lagging branch stays open, without merging the default branch, while many
 * default-branch commits land. Every commit knows its ancestors, so a behaviour planted at commit X applies to
 * exactly the code that contains X, wherever it runs.
 */
import type { RepoConfig } from './scenario';
import { draw, drawInt, HOUR_MS, MINUTE_MS, type Rng } from './random';

export interface Commit {
  index: number;
  hash: string;
  at: number;
  author: string;
  branch: string;
  parents: number[];
  /** Position on the default branch's first-parent line, 0 for the root. */
  mainPosition?: number;
  /** Indices of every commit this one contains, itself included. */
  ancestors: Set<number>;
}

export interface Push {
  at: number;
  branch: string;
  /** The commit the push leaves at the branch's head; its pipelines run on it. */
  head: number;
  author: string;
  /** Open pull request of the branch at the time of the push. */
  pullRequest?: PullRequest;
}

export interface PullRequest {
  id: number;
  title: string;
  source: string;
  openedAt: number;
}

export interface FeatureBranch {
  name: string;
  author: string;
  forkedFrom: number;
  lagging: boolean;
  pushes: Push[];
  mergeCommit: number;
  pullRequest?: PullRequest;
}

export interface CommitGraph {
  mainBranch: string;
  commits: Commit[];
  /** Default-branch commits in order, the root first. */
  main: number[];
  pushes: Push[];
  branches: FeatureBranch[];
  developers: string[];
  start: number;
  end: number;
}

const FIRST_NAMES = [
  'Amara',
  'Bogdan',
  'Chiara',
  'Dmitri',
  'Efua',
  'Farid',
  'Grete',
  'Hiroshi',
  'Ines',
  'Jonas',
  'Kavya',
  'Lucía',
  'Mateus',
  'Nora',
  'Oskar',
  'Priya',
  'Quentin',
  'Rania',
  'Søren',
  'Tomasz',
];
const LAST_NAMES = [
  'Okafor',
  'Lindqvist',
  'Moreau',
  'Tanaka',
  'Haddad',
  'Novak',
  'Reyes',
  'Schmidt',
  'Iyer',
  'Kowalski',
  'Brennan',
  'Nakamura',
];
const TOPICS = [
  'checkout',
  'search',
  'billing',
  'auth',
  'export',
  'onboarding',
  'retry',
  'cache',
  'pagination',
  'webhooks',
  'audit-log',
  'i18n',
  'rate-limit',
  'reports',
];

/** Relative activity per hour of the day (UTC, a team in one time zone): a morning and an afternoon peak. */
const HOURLY = [
  0, 0, 0, 0, 0, 0, 0.1, 0.4, 1, 1.3, 1.4, 1.1, 0.5, 0.9, 1.3, 1.4, 1.2, 0.8, 0.4, 0.2, 0.15, 0.1, 0.05, 0,
];

/** A random moment of team activity within [from, to): days weighted (weekends 15 %), then hours. */
function activeMoment(rng: Rng, from: number, to: number): number {
  for (let tries = 0; tries < 1000; tries++) {
    const t = from + rng.next() * (to - from);
    const d = new Date(t);
    const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
    const weight = (HOURLY[d.getUTCHours()] ?? 0) * (weekend ? 0.15 : 1);
    if (rng.next() * 1.4 < weight) return t;
  }
  return from + rng.next() * (to - from);
}

export function developersOf(rng: Rng, count: number): string[] {
  const names = new Set<string>();
  while (names.size < count) names.add(`${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`);
  return [...names];
}

class GraphBuilder {
  readonly commits: Commit[] = [];
  readonly main: number[] = [];
  readonly pushes: Push[] = [];
  readonly branches: FeatureBranch[] = [];

  constructor(
    private readonly rng: Rng,
    readonly mainBranch: string,
  ) {}

  commit(at: number, author: string, branch: string, parents: number[], onMain: boolean): number {
    const index = this.commits.length;
    const ancestors = new Set<number>([index]);
    for (const p of parents) for (const a of this.commits[p]?.ancestors ?? []) ancestors.add(a);
    this.commits.push({
      index,
      hash: this.rng.hex(40),
      at,
      author,
      branch,
      parents,
      ancestors,
      ...(onMain ? { mainPosition: this.main.length } : {}),
    });
    if (onMain) this.main.push(index);
    return index;
  }

  mainHeadAt(at: number): number {
    return mainHeadAt(this, at);
  }

  get mainHead(): number {
    return this.main[this.main.length - 1] ?? 0;
  }
}

/** Times of the default-branch commits, sorted: the history's skeleton. */
function landingSlots(rng: Rng, cfg: RepoConfig, start: number, end: number): number[] {
  const slots = Array.from({ length: cfg.mainCommits }, () => activeMoment(rng, start, end));
  return slots.sort((a, b) => a - b);
}

function branchName(rng: Rng, author: string, n: number): string {
  const kind = rng.pick(['feature', 'feature', 'bugfix', 'chore']);
  return `${kind}/${author.split(' ')[0]?.toLowerCase()}-${rng.pick(TOPICS)}-${n}`;
}

/** Spreads `count` commits over (from, to) and groups them into pushes of `commitsPerPush`. */
function branchPushTimes(rng: Rng, cfg: RepoConfig, from: number, to: number, count: number): number[][] {
  const times = Array.from({ length: count }, () => activeMoment(rng, from, to)).sort((a, b) => a - b);
  const pushes: number[][] = [];
  for (let i = 0; i < times.length;) {
    const k = Math.max(1, drawInt(rng, cfg.commitsPerPush));
    pushes.push(times.slice(i, i + k));
    i += k;
  }
  return pushes;
}

export function buildCommitGraph(rng: Rng, cfg: RepoConfig, start: number, days: number): CommitGraph {
  const end = start + days * 24 * HOUR_MS;
  const developers = developersOf(rng, cfg.developers);
  const g = new GraphBuilder(rng, cfg.mainBranch);
  g.commit(start - 24 * HOUR_MS, developers[0] ?? 'Release Bot', cfg.mainBranch, [], true);
  // Default-branch commits land in the first 92 % of the history, so the last ones still get runs.
  const slots = landingSlots(rng, cfg, start, start + (end - start) * 0.92);
  let pullRequests = 0;
  for (let i = 0; i < slots.length;) {
    const at = slots[i] ?? end;
    const author = rng.pick(developers);
    if (rng.chance(cfg.directPushShare) || i === 0) {
      const k = Math.min(slots.length - i, Math.max(1, drawInt(rng, cfg.commitsPerPush)));
      let head = g.mainHead;
      for (let j = 0; j < k; j++) head = g.commit(slots[i + j] ?? at, author, cfg.mainBranch, [head], true);
      g.pushes.push({ at: slots[i + k - 1] ?? at, branch: cfg.mainBranch, head, author });
      i += k;
      continue;
    }
    // A lagging branch forks `lag` default-branch commits back (so only once that many have landed).
    const lag = drawInt(rng, cfg.branches.lagCommits);
    const lagging = rng.chance(cfg.branches.lagShare) && i >= lag;
    const forkAt = lagging
      ? (slots[i - lag] ?? start) + MINUTE_MS
      : Math.max(start, at - draw(rng, cfg.branches.hours) * HOUR_MS);
    const name = branchName(rng, author, g.branches.length + 1);
    const forkedFrom = g.mainHeadAt(forkAt);
    const count = Math.max(1, drawInt(rng, cfg.branches.commits));
    const pushTimes = branchPushTimes(rng, cfg, forkAt, at - 5 * MINUTE_MS, count);
    const sync = !lagging && pushTimes.length > 1 && rng.chance(cfg.branches.syncShare);
    const wantsPr = rng.chance(cfg.branches.pullRequestShare);
    const branch: FeatureBranch = { name, author, forkedFrom, lagging, pushes: [], mergeCommit: -1 };
    let head = forkedFrom;
    pushTimes.forEach((times, p) => {
      if (sync && p === pushTimes.length - 1) {
        const syncAt = (times[0] ?? at) - MINUTE_MS;
        head = g.commit(syncAt, author, name, [head, g.mainHeadAt(syncAt)], false);
      }
      for (const t of times) head = g.commit(t, author, name, [head], false);
      const pushAt = (times[times.length - 1] ?? at) + 30_000;
      if (wantsPr && !branch.pullRequest && (p > 0 || pushTimes.length === 1 || rng.chance(0.5))) {
        branch.pullRequest = {
          id: ++pullRequests,
          title: `${name.split('/')[1]}: ${rng.pick(TOPICS)} changes`,
          source: name,
          openedAt: pushAt,
        };
      }
      const push: Push = {
        at: pushAt,
        branch: name,
        head,
        author,
        ...(branch.pullRequest ? { pullRequest: branch.pullRequest } : {}),
      };
      branch.pushes.push(push);
      g.pushes.push(push);
    });
    const merger = branch.pullRequest ? rng.pick(developers) : author;
    branch.mergeCommit = g.commit(at, merger, cfg.mainBranch, [g.mainHead, head], true);
    g.pushes.push({ at, branch: cfg.mainBranch, head: branch.mergeCommit, author: merger });
    g.branches.push(branch);
    i += 1;
  }
  renumberPullRequests(g.branches);
  g.pushes.sort((a, b) => a.at - b.at);
  return {
    mainBranch: cfg.mainBranch,
    commits: g.commits,
    main: g.main,
    pushes: g.pushes,
    branches: g.branches,
    developers,
    start,
    end,
  };
}

/** Bitbucket numbers pull requests in the order they are opened. */
function renumberPullRequests(branches: FeatureBranch[]): void {
  const prs = branches
    .flatMap((b) => (b.pullRequest ? [b.pullRequest] : []))
    .sort((a, b) => a.openedAt - b.openedAt);
  prs.forEach((pr, i) => {
    pr.id = i + 1;
  });
}

/** The default branch's head at a moment (the newest default-branch commit made before it). */
export function mainHeadAt(graph: Pick<CommitGraph, 'commits' | 'main'>, at: number): number {
  let head = graph.main[0] ?? 0;
  for (const m of graph.main) if ((graph.commits[m]?.at ?? Infinity) < at) head = m;
  return head;
}

export const contains = (graph: CommitGraph, code: number, commit: number): boolean =>
  graph.commits[code]?.ancestors.has(commit) ?? false;
