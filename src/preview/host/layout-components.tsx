/** UI Kit layout and text components, mapped to `@atlaskit/primitives`, `heading`, `link` and `form` messages. */
import type { ReactElement } from 'react';
import { Box, Inline, Stack, Text, xcss } from '@atlaskit/primitives';
import Heading from '@atlaskit/heading';
import Link from '@atlaskit/link';
import { ErrorMessage, HelperMessage, Label, RequiredAsterisk, ValidMessage } from '@atlaskit/form';
import type { ComponentMap, HostComponentProps } from './render-doc';
import { pickDefined, readString, type DocProps } from './prop-readers';

const BOX_PROPS = [
  'padding',
  'paddingBlock',
  'paddingBlockStart',
  'paddingBlockEnd',
  'paddingInline',
  'paddingInlineStart',
  'paddingInlineEnd',
  'backgroundColor',
  'as',
  'role',
  'testId',
] as const;
const STACK_PROPS = ['alignBlock', 'alignInline', 'grow', 'space', 'spread', 'testId'] as const;
const INLINE_PROPS = [
  'alignBlock',
  'alignInline',
  'spread',
  'grow',
  'space',
  'shouldWrap',
  'rowSpace',
  'testId',
] as const;
const TEXT_PROPS = ['align', 'color', 'maxLines', 'size', 'weight', 'testId'] as const;
type HeadingSize = 'xxlarge' | 'xlarge' | 'large' | 'medium' | 'small' | 'xsmall' | 'xxsmall';
const HEADING_SIZES: readonly HeadingSize[] = [
  'xxlarge',
  'xlarge',
  'large',
  'medium',
  'small',
  'xsmall',
  'xxsmall',
];

/** UI Kit's `xcss()` returns the raw style object; Atlaskit's Box wants it compiled by its own `xcss()`. */
function boxStyle(props: DocProps): ReturnType<typeof xcss> | undefined {
  const style = props.xcss;
  if (typeof style !== 'object' || style === null) return undefined;
  return xcss(style as Parameters<typeof xcss>[0]);
}

function BoxHost({ props, children }: HostComponentProps): ReactElement {
  return (
    <Box {...pickDefined(props, BOX_PROPS)} xcss={boxStyle(props)}>
      {children}
    </Box>
  );
}

function StackHost({ props, children }: HostComponentProps): ReactElement {
  return <Stack {...pickDefined(props, STACK_PROPS)}>{children}</Stack>;
}

function InlineHost({ props, children }: HostComponentProps): ReactElement {
  const separator = readString(props, 'separator');
  return (
    <Inline {...pickDefined(props, INLINE_PROPS)} separator={separator}>
      {children}
    </Inline>
  );
}

function TextHost({ props, children }: HostComponentProps): ReactElement {
  const as = readString(props, 'as');
  const content = as === 'strike' ? <s>{children}</s> : children;
  const element = as === 'span' || as === 'strong' || as === 'em' ? as : 'p';
  return (
    <Text {...pickDefined(props, TEXT_PROPS)} as={element}>
      {content}
    </Text>
  );
}

function HeadingHost({ props, children }: HostComponentProps): ReactElement {
  const requested = readString(props, 'size');
  const size = HEADING_SIZES.find((s) => s === requested) ?? 'medium';
  const as = readString(props, 'as') as 'h1' | 'h2' | 'h3' | 'h4' | 'h5' | 'h6' | undefined;
  return (
    <Heading size={size} as={as} testId={readString(props, 'testId')}>
      {children}
    </Heading>
  );
}

function LinkHost({ props, children }: HostComponentProps): ReactElement {
  const href = readString(props, 'href') ?? '#';
  const openNewTab = props.openNewTab === true;
  return (
    <Link href={href} target={openNewTab ? '_blank' : undefined} testId={readString(props, 'testId')}>
      {children}
    </Link>
  );
}

function tag(name: 'strong' | 'em' | 's' | 'code' | 'pre' | 'ul' | 'ol' | 'li') {
  return function Tag({ children }: HostComponentProps): ReactElement {
    const Element = name;
    return <Element>{children}</Element>;
  };
}

function CodeBlockHost({ props }: HostComponentProps): ReactElement {
  return (
    <pre style={{ background: '#f4f5f7', padding: 8, overflowX: 'auto' }}>
      <code>{readString(props, 'text') ?? ''}</code>
    </pre>
  );
}

function ListHost({ props, children }: HostComponentProps): ReactElement {
  return readString(props, 'type') === 'ordered' ? <ol>{children}</ol> : <ul>{children}</ul>;
}

function ImageHost({ props }: HostComponentProps): ReactElement {
  return (
    <img src={readString(props, 'src')} alt={readString(props, 'alt') ?? ''} style={{ maxWidth: '100%' }} />
  );
}

function LabelHost({ props, children }: HostComponentProps): ReactElement {
  return <Label htmlFor={readString(props, 'labelFor') ?? ''}>{children}</Label>;
}

/** A transparent wrapper: the node only groups its children (the root and the reconciler's ContentWrapper). */
function Passthrough({ children }: HostComponentProps): ReactElement {
  return <>{children}</>;
}

export const LAYOUT_COMPONENTS: ComponentMap = {
  Root: Passthrough,
  ContentWrapper: Passthrough,
  Box: BoxHost,
  Stack: StackHost,
  Inline: InlineHost,
  Text: TextHost,
  Heading: HeadingHost,
  Link: LinkHost,
  Strong: tag('strong'),
  Em: tag('em'),
  Strike: tag('s'),
  Code: tag('code'),
  CodeBlock: CodeBlockHost,
  List: ListHost,
  ListItem: tag('li'),
  Image: ImageHost,
  Label: LabelHost,
  HelperMessage: ({ children }) => <HelperMessage>{children}</HelperMessage>,
  ErrorMessage: ({ children }) => <ErrorMessage>{children}</ErrorMessage>,
  ValidMessage: ({ children }) => <ValidMessage>{children}</ValidMessage>,
  RequiredAsterisk: () => <RequiredAsterisk />,
};
