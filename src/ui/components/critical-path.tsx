/** Which steps bound a recent pipeline's wall time: speeding up anything off this path does not shorten the run. */
import { Heading, Inline, Lozenge, Stack, Text } from '@forge/react';
import type { CriticalPath as CriticalPathData } from '../../contract/insights';
import { formatDuration } from '../format';
import { UntrustedText } from './untrusted-text';

export function CriticalPath({ path }: { path?: CriticalPathData }) {
  return (
    <Stack space="space.100">
      <Heading size="small">Critical path</Heading>
      {path === undefined ? (
        <Text>
          No recent pipeline with step timings yet: the critical path appears after the next full run.
        </Text>
      ) : (
        <>
          <Text>{`Pipeline #${path.pipeline} took ${formatDuration(path.wallSeconds)}. These steps set that time:`}</Text>
          <Stack space="space.050">
            {path.steps.map((step, index) => (
              <Inline key={`${index}-${step.name}`} space="space.100" alignBlock="center">
                <Text>{`${index + 1}.`}</Text>
                <UntrustedText text={step.name} />
                <Text>{formatDuration(step.seconds)}</Text>
                {step.queueSeconds !== undefined && step.queueSeconds > 0 && (
                  <Text color="color.text.subtle">{`(waited ${formatDuration(step.queueSeconds)} to start)`}</Text>
                )}
                {index === path.steps.length - 1 && <Lozenge appearance="moved">Bounds the run</Lozenge>}
              </Inline>
            ))}
          </Stack>
        </>
      )}
    </Stack>
  );
}
