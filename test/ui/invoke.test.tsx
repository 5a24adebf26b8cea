import { fails, crashes, ok, render } from '../support/ui-harness';
import { call, UiError, isResolverErrorBody } from '../../src/ui/invoke';
import { aRepoReport } from '../support/ui-builders';

// `call` goes through the same fake host as the pages; rendering nothing but a fragment installs the script.
async function host(script: Parameters<typeof render>[1]) {
  return render(<></>, script);
}

describe('call', () => {
  it('returns the resolver result and sends the payload as is', async () => {
    const screen = await host({ getRepoInsights: ok(aRepoReport()) });
    const report = await call('getRepoInsights', { branch: 'main' });
    expect(report.repository.slug).toBe('checkout-service');
    expect(screen.calls).toEqual([{ name: 'getRepoInsights', payload: { branch: 'main' } }]);
  });

  it('turns a resolver error body into a UiError carrying its code and message', async () => {
    await host({ setQuarantine: fails('forbidden', 'Only repository admins can quarantine tests.') });
    const error = await call('setQuarantine', { testId: 't', quarantined: true }).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(UiError);
    expect(error).toMatchObject({
      code: 'forbidden',
      message: 'Only repository admins can quarantine tests.',
    });
  });

  it('turns a rejected invoke into an "unreachable" UiError', async () => {
    await host({ getAdminPage: crashes('Resolver timed out after 25 s') });
    await expect(call('getAdminPage', {})).rejects.toMatchObject({
      code: 'unreachable',
      message: "The app's backend did not answer: Resolver timed out after 25 s",
    });
  });

  it('recognises only well-formed error bodies', () => {
    expect(isResolverErrorBody({ error: { code: 'invalid', message: 'Bad days' } })).toBe(true);
    expect(isResolverErrorBody({ error: { code: 'teapot', message: 'x' } })).toBe(false);
    expect(isResolverErrorBody({ error: 'x' })).toBe(false);
    expect(isResolverErrorBody(null)).toBe(false);
  });
});
