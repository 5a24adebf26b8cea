/**
 * A link to a Bitbucket pipeline result page. URLs come from stored data, so only http(s) ones become links: a
 * `javascript:` or other scheme is shown as plain text instead of being handed to the host to open.
 */
import { Link, Text } from '@forge/react';

export function isWebUrl(url: string | undefined): url is string {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}

export function PipelineLink({ pipeline, url, label }: { pipeline: number; url?: string; label?: string }) {
  const text = label ?? `#${pipeline}`;
  if (!isWebUrl(url)) return <Text>{text}</Text>;
  return (
    <Link href={url} openNewTab>
      {text}
    </Link>
  );
}
