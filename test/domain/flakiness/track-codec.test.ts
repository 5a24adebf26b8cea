/** The stored form of a step track: what the detector gets back must be exactly what it wrote, and smaller. */
import { decodeTrack, encodeTrack } from '../../../src/domain/flakiness/track-codec';
import { anObservation, aRerunOf, FLAKY, mulberry32, OTHER, Replay } from './observation-builder';

function busyTrack() {
  const replay = new Replay();
  const random = mulberry32(9);
  for (let i = 0; i < 60; i++) {
    const failedTests = [FLAKY, OTHER].filter(() => random() < 0.2);
    const first = anObservation({
      failedTests,
      branch: i % 3 ? 'main' : `feature/${i}`,
      isDefaultBranch: i % 3 !== 0,
    });
    replay.observe(first);
    if (failedTests.length && random() < 0.5) replay.observe(aRerunOf(first));
  }
  if (!replay.track) throw new Error('no track');
  return replay.track;
}

describe('the stored step track', () => {
  it('decodes to exactly the track that was encoded, through JSON as the store keeps it', () => {
    const track = busyTrack();
    expect(track.timeline.length).toBeGreaterThan(60);
    expect(track.timeline.some((e) => e.failed.length > 0 && e.runNumber > 1)).toBe(false);
    expect(track.timeline.some((e) => e.failed.length > 0)).toBe(true);
    expect(decodeTrack(JSON.parse(JSON.stringify(encodeTrack(track))))).toEqual(track);
  });

  it('is at least a quarter smaller than the plain track', () => {
    const track = busyTrack();
    const plain = JSON.stringify(track).length;
    const stored = JSON.stringify(encodeTrack(track)).length;
    expect(stored).toBeLessThan(plain * 0.75);
  });

  it("reads a document written before the timeline as an empty timeline whose past is in the tests' states", () => {
    const legacy = {
      stepName: 'Unit tests',
      seq: { default: 40, other: 12 },
      excluded: { infrastructure: 1, 'mass-failure': 0, 'no-tests': 0, 'unnamed-failures': 0 },
      commits: [],
      watched: [],
    };
    expect(decodeTrack(legacy)).toEqual({
      stepName: 'Unit tests',
      seq: { default: 40, other: 12 },
      excluded: legacy.excluded,
      timeline: [],
      truncated: true,
      watched: [],
    });
    expect(decodeTrack(undefined)).toBeUndefined();
  });
});
