/**
 * What each simulated repository looks like and which problems are planted in it. The defaults model a small
 * product team: a Node web app, a Java payments service and an infrastructure repo with deployments.
 */

export type Stack = 'node' | 'java' | 'shell';

export interface StepSpec {
  name: string;
  /** Steps with the same group number run in parallel. */
  group: number;
  baseSeconds: number;
  size: 1 | 2 | 4 | 8;
  maxTimeMinutes: number;
  image: string;
  /** Test suite the step reports (key into the repo's suites). */
  suite?: 'unit' | 'integration';
  /** Runs only on the default branch. */
  defaultBranchOnly?: boolean;
  manual?: boolean;
  deployment?: string;
}

export interface PlantSpec {
  flakyLow: number;
  flakyModerate: number;
  /** A test breaks on the default branch and is fixed this many default-branch commits later. */
  brokenForCommits?: number;
  /** A test starts flaking at a default-branch commit around this day of the history. */
  becomesFlakyOnDay?: number;
  /** The step killed for memory again and again, with the share of runs it dies in. */
  oomStep?: { name: string; rate: number };
  /** The step getting ~2 % slower a day over the last two weeks. */
  slowingStep?: string;
  hostileTest?: boolean;
  /**
   * A pull request breaks a test: the newest green pipeline of a pull request gets a unit test failure no other
   * run has (a new failure, the author's to fix), so a merge check has something to refuse.
   */
  pullRequestBreaksTest?: boolean;
}

export interface RepoSpec {
  slug: string;
  name: string;
  mainBranch: string;
  stack: Stack;
  unitTests: number;
  integrationTests: number;
  pipelinesPerDay: number;
  steps: StepSpec[];
  plant: PlantSpec;
  /** Jira-like project key used in branch names. */
  issueKey: string;
  /**
   * What people do after a failed pipeline: the share that reruns its failed steps, and the share that reruns the
   * whole pipeline (a new build); default 0.35 and 0.25.
   */
  reruns?: { failedSteps: number; pipeline: number };
}

const NODE_IMAGE = 'node:20.11-bullseye';
const JAVA_IMAGE = 'eclipse-temurin:17-jdk';
const SHELL_IMAGE = 'hashicorp/terraform:1.7';

export const DEFAULT_REPOS: RepoSpec[] = [
  {
    slug: 'web-app',
    name: 'Web App',
    mainBranch: 'main',
    stack: 'node',
    unitTests: 310,
    integrationTests: 90,
    pipelinesPerDay: 7,
    issueKey: 'WEB',
    steps: [
      { name: 'Install', group: 0, baseSeconds: 75, size: 1, maxTimeMinutes: 120, image: NODE_IMAGE },
      { name: 'Lint', group: 1, baseSeconds: 42, size: 1, maxTimeMinutes: 120, image: NODE_IMAGE },
      {
        name: 'Unit tests',
        group: 2,
        baseSeconds: 230,
        size: 2,
        maxTimeMinutes: 30,
        image: NODE_IMAGE,
        suite: 'unit',
      },
      {
        name: 'Integration tests',
        group: 2,
        baseSeconds: 420,
        size: 2,
        maxTimeMinutes: 30,
        image: NODE_IMAGE,
        suite: 'integration',
      },
      { name: 'Build', group: 3, baseSeconds: 150, size: 2, maxTimeMinutes: 120, image: NODE_IMAGE },
      {
        name: 'Deploy to staging',
        group: 4,
        baseSeconds: 65,
        size: 1,
        maxTimeMinutes: 120,
        image: 'atlassian/default-image:4',
        defaultBranchOnly: true,
        deployment: 'Staging',
      },
    ],
    plant: {
      flakyLow: 2,
      flakyModerate: 2,
      brokenForCommits: 5,
      becomesFlakyOnDay: 20,
      slowingStep: 'Integration tests',
      hostileTest: true,
      pullRequestBreaksTest: true,
    },
  },
  {
    slug: 'payments-api',
    name: 'Payments API',
    mainBranch: 'master',
    stack: 'java',
    unitTests: 420,
    integrationTests: 180,
    pipelinesPerDay: 5,
    issueKey: 'PAY',
    steps: [
      { name: 'Install', group: 0, baseSeconds: 110, size: 1, maxTimeMinutes: 120, image: JAVA_IMAGE },
      { name: 'Lint', group: 1, baseSeconds: 60, size: 1, maxTimeMinutes: 120, image: JAVA_IMAGE },
      {
        name: 'Unit tests',
        group: 2,
        baseSeconds: 340,
        size: 2,
        maxTimeMinutes: 60,
        image: JAVA_IMAGE,
        suite: 'unit',
      },
      {
        name: 'Integration tests',
        group: 2,
        baseSeconds: 620,
        size: 2,
        maxTimeMinutes: 120,
        image: JAVA_IMAGE,
        suite: 'integration',
      },
      { name: 'Build', group: 3, baseSeconds: 240, size: 1, maxTimeMinutes: 120, image: JAVA_IMAGE },
      {
        name: 'Deploy to staging',
        group: 4,
        baseSeconds: 95,
        size: 1,
        maxTimeMinutes: 120,
        image: 'atlassian/default-image:4',
        defaultBranchOnly: true,
        deployment: 'Staging',
      },
    ],
    plant: {
      flakyLow: 2,
      flakyModerate: 2,
      brokenForCommits: 4,
      oomStep: { name: 'Build', rate: 0.15 },
      pullRequestBreaksTest: true,
    },
  },
  {
    slug: 'infra-scripts',
    name: 'Infra Scripts',
    mainBranch: 'main',
    stack: 'shell',
    unitTests: 14,
    integrationTests: 0,
    pipelinesPerDay: 2,
    issueKey: 'OPS',
    steps: [
      { name: 'Lint', group: 0, baseSeconds: 25, size: 1, maxTimeMinutes: 120, image: SHELL_IMAGE },
      {
        name: 'Unit tests',
        group: 1,
        baseSeconds: 35,
        size: 1,
        maxTimeMinutes: 120,
        image: SHELL_IMAGE,
        suite: 'unit',
      },
      { name: 'Build', group: 2, baseSeconds: 50, size: 1, maxTimeMinutes: 120, image: SHELL_IMAGE },
      {
        name: 'Deploy to staging',
        group: 3,
        baseSeconds: 120,
        size: 1,
        maxTimeMinutes: 120,
        image: SHELL_IMAGE,
        defaultBranchOnly: true,
        deployment: 'Staging',
      },
      {
        name: 'Deploy to production',
        group: 4,
        baseSeconds: 150,
        size: 1,
        maxTimeMinutes: 120,
        image: SHELL_IMAGE,
        defaultBranchOnly: true,
        manual: true,
        deployment: 'Production',
      },
    ],
    plant: { flakyLow: 0, flakyModerate: 0 },
  },
];
