/**
 * Test names for the simulated repositories, in the shapes Bitbucket's test reports carry for each stack
 * (Jest via jest-junit, JUnit 5 via Surefire, bats). Names are unique within a repository.
 */
import type { SimTestDef } from './model';
import type { Rng } from './prng';
import type { Stack } from './repo-specs';

/** Bitbucket keeps at most 2,000 characters per test report field. */
export const FIELD_LIMIT = 2000;

const NODE_MODULES = [
  'cart',
  'checkout',
  'auth',
  'search',
  'profile',
  'orders',
  'catalog',
  'billing',
  'i18n',
  'ui',
];
const NODE_SUBJECTS = [
  'CartSummary',
  'CheckoutForm',
  'LoginPage',
  'SearchBox',
  'ProfileCard',
  'OrderList',
  'ProductGrid',
  'InvoiceTable',
  'useLocale',
  'Modal',
  'PriceTag',
  'AddressForm',
  'useSession',
  'Pagination',
];
const NODE_BEHAVIOURS = [
  'renders the empty state',
  'renders the total with tax',
  'submits valid input',
  'shows a validation error',
  'debounces user input',
  'retries after a network error',
  'formats currency',
  'keeps focus on open',
  'closes on Escape',
  'loads the next page',
  'handles a 401 by redirecting',
  'sorts by price',
  'restores state from the URL',
  'announces changes to screen readers',
  'matches the snapshot',
  'disables the button while saving',
  'falls back to English',
  'caches the last response',
];

const JAVA_PACKAGES = [
  'ledger',
  'refunds',
  'payouts',
  'fraud',
  'webhooks',
  'currency',
  'settlement',
  'accounts',
];
const JAVA_CLASSES = ['Service', 'Controller', 'Repository', 'Mapper', 'Validator', 'Client', 'Scheduler'];
const JAVA_METHODS = [
  'postsDoubleEntry',
  'rejectsNegativeAmount',
  'roundsHalfEven',
  'isIdempotentOnRetry',
  'rollsBackOnFailure',
  'emitsAuditEvent',
  'convertsCurrency',
  'paginatesResults',
  'locksAccountRow',
  'expiresStaleHolds',
  'signsWebhookPayload',
  'handlesTimeout',
  'mapsErrorCodes',
  'validatesIban',
];

const SHELL_FILES = ['terraform', 'dns', 'backups', 'iam'];
const SHELL_BEHAVIOURS = [
  'plan has no drift for staging',
  'rejects unpinned providers',
  'tags every resource',
  'restores the latest snapshot',
  'denies public buckets',
  'rotates access keys',
];

function uniqueDefs(count: number, make: (i: number) => SimTestDef): SimTestDef[] {
  const seen = new Set<string>();
  const defs: SimTestDef[] = [];
  for (let i = 0; defs.length < count; i++) {
    if (i > count * 50) throw new Error(`cannot make ${count} distinct test names`);
    const def = make(i);
    if (seen.has(def.fullyQualifiedName)) continue;
    seen.add(def.fullyQualifiedName);
    defs.push(def);
  }
  return defs;
}

function nodeTest(rng: Rng, kind: 'unit' | 'integration', i: number): SimTestDef {
  const module = rng.pick(NODE_MODULES);
  const subject = rng.pick(NODE_SUBJECTS);
  const suffix = i > 200 ? ` (case ${i % 7})` : '';
  const file =
    kind === 'unit' ? `src/${module}/${subject}.test.tsx` : `test/integration/${module}.int.test.ts`;
  const name = `${subject} › ${rng.pick(NODE_BEHAVIOURS)}${suffix}`;
  const durationMs = kind === 'unit' ? rng.int(2, 180) : rng.int(150, 6000);
  return {
    name,
    packageName: file,
    fullyQualifiedName: `${file}.${name}`,
    durationMs,
    skipped: rng.chance(0.01),
  };
}

function javaTest(rng: Rng, kind: 'unit' | 'integration', i: number): SimTestDef {
  const pkg = `com.acme.payments.${rng.pick(JAVA_PACKAGES)}`;
  const base = pkg.split('.').pop() ?? 'core';
  const className = `${base[0]?.toUpperCase()}${base.slice(1)}${rng.pick(JAVA_CLASSES)}${kind === 'unit' ? 'Test' : 'IT'}`;
  const param = i > 300 ? `[${(i % 5) + 1}]` : '';
  const name = `${rng.pick(JAVA_METHODS)}()${param}`;
  const durationMs = kind === 'unit' ? rng.int(1, 90) : rng.int(200, 9000);
  return {
    name,
    packageName: `${pkg}.${className}`,
    fullyQualifiedName: `${pkg}.${className}.${name}`,
    durationMs,
  };
}

function shellTest(rng: Rng): SimTestDef {
  const file = `tests/${rng.pick(SHELL_FILES)}.bats`;
  const name = rng.pick(SHELL_BEHAVIOURS);
  return { name, packageName: file, fullyQualifiedName: `${file}.${name}`, durationMs: rng.int(200, 3000) };
}

export function makeSuite(rng: Rng, stack: Stack, kind: 'unit' | 'integration', count: number): SimTestDef[] {
  switch (stack) {
    case 'node':
      return uniqueDefs(count, (i) => nodeTest(rng, kind, i));
    case 'java':
      return uniqueDefs(count, (i) => javaTest(rng, kind, i));
    case 'shell':
      return uniqueDefs(count, () => shellTest(rng));
  }
}

/**
 * A test whose name carries markup, right-to-left text and more than 2,000 characters, cut the way Bitbucket cuts
 * it: whatever shows it must escape it, keep the text direction in check and cope with the length.
 */
export function hostileTest(): SimTestDef {
  const head = 'ProfileCard › renders bio <img src=x onerror=alert(1)> مرحبا بالعالم שלום עולם ';
  const name = (head + 'with a very long parameter list '.repeat(70)).slice(0, FIELD_LIMIT);
  const packageName = 'src/profile/ProfileCard.test.tsx';
  return {
    name,
    packageName,
    fullyQualifiedName: `${packageName}.${name}`.slice(0, FIELD_LIMIT),
    durationMs: 35,
  };
}
