import { betaCdf, betaIntervalProbability, logGamma } from '../../../src/domain/flakiness/beta-distribution';

/** P(Bin(n, p) ≥ k), summed in log space: I_x(a, b) = P(Bin(a + b − 1, x) ≥ a) for integer a, b. */
function binomialTail(n: number, p: number, k: number): number {
  let below = 0;
  let logTerm = n * Math.log1p(-p); // log P(X = 0)
  for (let i = 0; i < k; i++) {
    below += Math.exp(logTerm);
    logTerm += Math.log((n - i) / (i + 1)) + Math.log(p) - Math.log1p(-p);
  }
  return 1 - below;
}

/**
 * I_x(a, b) by quadrature, independent of the continued fraction: with t = s^(1/a) the integrand
 * t^(a−1)(1−t)^(b−1) dt becomes (1/a)(1 − s^(1/a))^(b−1) ds, smooth on [0, x^a]. Γ values from logGamma.
 */
function betaCdfByQuadrature(x: number, a: number, b: number): number {
  const upper = Math.pow(x, a);
  const steps = 200_000;
  const h = upper / steps;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const s = i * h;
    const f = Math.pow(1 - Math.pow(s, 1 / a), b - 1);
    sum += (i === 0 || i === steps ? 1 : i % 2 ? 4 : 2) * f;
  }
  const integral = (sum * h) / 3 / a;
  return integral * Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b));
}

describe('logGamma', () => {
  it.each([
    [0.5, Math.log(Math.sqrt(Math.PI))],
    [1, 0],
    [10, Math.log(362_880)],
    [0.1, Math.log(9.513507698668732)],
  ])('ln Γ(%p)', (x, expected) => {
    expect(logGamma(x)).toBeCloseTo(expected, 10);
  });

  it('equals ln((n−1)!) for a large integer, where b is large in the score', () => {
    let logFactorial = 0;
    for (let k = 2; k < 1200; k++) logFactorial += Math.log(k);
    expect(logGamma(1200)).toBeCloseTo(logFactorial, 8);
  });
});

describe('betaCdf', () => {
  it('matches a hand-computed binomial value: I_0.4(2, 3) = P(Bin(4, 0.4) ≥ 2) = 0.5248', () => {
    expect(betaCdf(0.4, 2, 3)).toBeCloseTo(0.5248, 12);
  });

  it('has the closed forms I_x(1, b) = 1 − (1 − x)^b and I_x(a, 1) = x^a', () => {
    expect(betaCdf(0.001, 1, 700)).toBeCloseTo(1 - Math.pow(0.999, 700), 12);
    expect(betaCdf(0.2, 0.3, 1)).toBeCloseTo(Math.pow(0.2, 0.3), 12);
  });

  it.each([
    [0.002, 3, 1000],
    [0.01, 5, 400],
    [0.0005, 2, 2000],
    [0.3, 40, 60],
  ])('agrees with the binomial tail for integer shapes (x=%p, a=%p, b=%p)', (x, a, b) => {
    expect(betaCdf(x, a, b)).toBeCloseTo(binomialTail(a + b - 1, x, a), 10);
  });

  it.each([
    [0.001, 0.1, 1000],
    [0.001, 0.6, 500],
    [0.0005, 1.6, 1200],
    [0.01, 0.35, 60],
  ])('agrees with quadrature for small non-integer a and large b (x=%p, a=%p, b=%p)', (x, a, b) => {
    expect(betaCdf(x, a, b)).toBeCloseTo(betaCdfByQuadrature(x, a, b), 7);
  });

  it('is symmetric, I_x(a, b) = 1 − I_(1−x)(b, a), and I_0.5(a, a) = 0.5', () => {
    expect(betaCdf(0.97, 600, 2.5)).toBeCloseTo(1 - betaCdf(0.03, 2.5, 600), 12);
    expect(betaCdf(0.5, 7.3, 7.3)).toBeCloseTo(0.5, 12);
  });

  it('is 0 and 1 at the ends and rejects invalid shapes', () => {
    expect(betaCdf(0, 0.1, 10)).toBe(0);
    expect(betaCdf(1, 0.1, 10)).toBe(1);
    expect(() => betaCdf(0.5, 0, 1)).toThrow(RangeError);
  });
});

describe('betaIntervalProbability', () => {
  it('is the difference of the two CDF values', () => {
    expect(betaIntervalProbability(0.001, 0.95, 2.1, 510)).toBeCloseTo(
      betaCdf(0.95, 2.1, 510) - betaCdf(0.001, 2.1, 510),
      14,
    );
  });

  it('is low for a test that always passes and for one that always fails, high in between', () => {
    expect(betaIntervalProbability(0.001, 0.95, 0.1, 510)).toBeLessThan(0.1);
    expect(betaIntervalProbability(0.001, 0.95, 500, 10)).toBeLessThan(0.01);
    expect(betaIntervalProbability(0.001, 0.95, 5, 500)).toBeGreaterThan(0.99);
  });
});
