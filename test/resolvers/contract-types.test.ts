/**
 * The resolver contract, typed end to end: the compiler (`npm run typecheck` checks this file) refuses a payload
 * schema that disagrees with the contract, a server handler whose answer is not the contract's result, and a UI call
 * with the wrong payload or a wrong reading of its answer. Each `@ts-expect-error` line is a mismatch that must not
 * compile: if one ever compiles, the directive itself is an error and the type check fails.
 */
import type { makeInvoke } from '@forge/bridge';
import { z } from 'zod';
import type { CallerContext, ResolverHost } from '../../src/contract/caller';
import {
  RESOLVER_NAMES,
  type AdminPage,
  type ResolverAnswer,
  type ResolverDefinitions,
  type ResolverResult,
} from '../../src/contract/resolvers';
import type { ResolverHandler } from '../../src/services/resolvers/host';
import { PAYLOADS, type PayloadSchemas } from '../../src/services/resolvers/payloads';
import type { call } from '../../src/ui/invoke';

/* ---- compile-time: each line marked @ts-expect-error must fail to compile ---- */

export const schemasAgree: PayloadSchemas = PAYLOADS;

export const wrongSchema: PayloadSchemas = {
  ...PAYLOADS,
  // @ts-expect-error the schema's output lacks `quarantined`, which the contract's payload has
  setQuarantine: z.object({ testId: z.string() }).strict(),
};

export const wrongSchemaType: PayloadSchemas = {
  ...PAYLOADS,
  // @ts-expect-error the contract's `days` is a number
  startBackfill: z.object({ days: z.string() }).strict(),
};

// @ts-expect-error setQuarantine answers { testId, quarantined }, not a bare test id
export const wrongHandler: ResolverHandler<'setQuarantine'> = async (_deps, p) => ({ testId: p.testId });

export const rightHandler: ResolverHandler<'setQuarantine'> = async (_deps, p) => ({
  testId: p.testId,
  quarantined: p.quarantined,
});

export async function hostAnswers(host: ResolverHost, caller: CallerContext): Promise<void> {
  const answer: ResolverAnswer<'setQuarantine'> = await host.handle('setQuarantine', {}, caller);
  // @ts-expect-error the host's answer to setQuarantine is not an admin page
  const page: AdminPage = await host.handle('setQuarantine', {}, caller);
  void answer;
  void page;
}

export async function uiCalls(ui: typeof call): Promise<void> {
  const saved: ResolverResult<'setQuarantine'> = await ui('setQuarantine', {
    testId: 'a',
    quarantined: true,
  });
  // @ts-expect-error the payload lacks `quarantined`
  await ui('setQuarantine', { testId: 'a' });
  // @ts-expect-error setQuarantine does not answer an admin page
  const page: AdminPage = await ui('setQuarantine', { testId: 'a', quarantined: true });
  void saved;
  void page;
}

/** Forge's own typed invoke, specialised to the contract (typed only when its shared types resolve: tsconfig). */
type ForgeInvoke = ReturnType<typeof makeInvoke<ResolverDefinitions>>;

export async function forgeInvoke(invoke: ForgeInvoke): Promise<void> {
  // @ts-expect-error startBackfill takes { days: number }
  await invoke('startBackfill', { days: '30' });
}

/* ---- at run time: one schema and one handler per resolver of the contract ---- */

describe('the resolver contract', () => {
  it('has a payload schema for every resolver, and no other', () => {
    expect(Object.keys(PAYLOADS).sort()).toEqual([...RESOLVER_NAMES].sort());
  });
});
