/**
 * The Beta distribution functions the flakiness score needs: the regularised incomplete beta function
 * I_x(a, b) (the Beta CDF), accurate for the shapes the detector meets: a small (≈ 0.1–20), b large (≈ 10–2,000).
 *
 * Method: the continued fraction of Numerical Recipes §6.4 evaluated with the modified Lentz algorithm, on the side
 * of the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where it converges fast; the prefactor is computed in log space
 * (with log1p) so that large b does not underflow.
 */

const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos approximation, relative error ≈ 1e-15). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  if (x < 0.5) {
    // Reflection keeps the approximation in its accurate range: Γ(x)Γ(1−x) = π / sin(πx).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS_COEFFICIENTS[0] ?? 1;
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) sum += (LANCZOS_COEFFICIENTS[i] ?? 0) / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln B(a, b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

const FPMIN = 1e-300;
const EPS = 1e-15;
const MAX_ITERATIONS = 10_000;

/** Continued fraction for I_x(a, b) (Numerical Recipes `betacf`), modified Lentz. */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    const evenStep = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + evenStep * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + evenStep / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    const oddStep = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + oddStep * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + oddStep / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) return h;
  }
  throw new Error(`betaCdf did not converge for a=${a}, b=${b}, x=${x}`);
}

/** The regularised incomplete beta function I_x(a, b) = P(X ≤ x) for X ~ Beta(a, b). */
export function betaCdf(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`betaCdf needs a > 0 and b > 0, got a=${a}, b=${b}`);
  if (Number.isNaN(x)) throw new RangeError('betaCdf needs a number x');
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
  // The fraction converges quickly for x < (a+1)/(a+b+2); beyond that, use the symmetric form.
  if (x < (a + 1) / (a + b + 2)) {
    return clampProbability((Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a);
  }
  return clampProbability(1 - (Math.exp(logFront) * betaContinuedFraction(1 - x, b, a)) / b);
}

/** P(lower < X < upper) for X ~ Beta(a, b). */
export function betaIntervalProbability(lower: number, upper: number, a: number, b: number): number {
  return clampProbability(betaCdf(upper, a, b) - betaCdf(lower, a, b));
}

function clampProbability(p: number): number {
  return Math.min(1, Math.max(0, p));
}
