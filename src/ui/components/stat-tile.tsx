/** One headline number with its label and what it means. */
import { Box, Heading, Stack, Text } from '@forge/react';

export function StatTile({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <Box padding="space.200" backgroundColor="color.background.neutral.subtle">
      <Stack space="space.050">
        <Text size="small" color="color.text.subtle">
          {label}
        </Text>
        <Heading size="medium">{value}</Heading>
        {detail !== undefined && <Text size="small">{detail}</Text>}
      </Stack>
    </Box>
  );
}
