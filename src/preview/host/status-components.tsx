/** UI Kit status and message components, mapped to lozenge, badge, tag, section-message, spinner and tooltip. */
import type { ComponentProps, ReactElement } from 'react';
import Lozenge from '@atlaskit/lozenge';
import Badge from '@atlaskit/badge';
import { SimpleTag } from '@atlaskit/tag';
import TagGroup from '@atlaskit/tag-group';
import SectionMessage, { SectionMessageAction } from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import ProgressBar from '@atlaskit/progress-bar';
import Tooltip from '@atlaskit/tooltip';
import Heading from '@atlaskit/heading';
import { Stack } from '@atlaskit/primitives';
import type { ComponentMap, HostComponentProps } from './render-doc';
import { callApp, readBoolean, readCallback, readNumber, readString } from './prop-readers';
import { nodeToDocs, nodeToText } from './node-props';

type LozengeAppearance = ComponentProps<typeof Lozenge>['appearance'];
type BadgeAppearance = ComponentProps<typeof Badge>['appearance'];
type SectionAppearance = ComponentProps<typeof SectionMessage>['appearance'];
type SpinnerSize = ComponentProps<typeof Spinner>['size'];

function LozengeHost({ props, children }: HostComponentProps): ReactElement {
  return (
    <Lozenge
      appearance={readString(props, 'appearance') as LozengeAppearance}
      isBold={readBoolean(props, 'isBold')}
      testId={readString(props, 'testId')}
    >
      {children}
    </Lozenge>
  );
}

function BadgeHost({ props, children }: HostComponentProps): ReactElement {
  return (
    <Badge
      appearance={readString(props, 'appearance') as BadgeAppearance}
      testId={readString(props, 'testId')}
    >
      {children as ComponentProps<typeof Badge>['children']}
    </Badge>
  );
}

function TagHost({ props }: HostComponentProps): ReactElement {
  return <SimpleTag text={readString(props, 'text') ?? ''} color={readString(props, 'color') as never} />;
}

/** SectionMessage `actions` are SectionMessageAction elements passed as a prop, so they are rendered here. */
function SectionMessageHost({ props, children, render }: HostComponentProps): ReactElement {
  const actions = nodeToDocs(props.actions, 'actions').map(render);
  return (
    <SectionMessage
      appearance={readString(props, 'appearance') as SectionAppearance}
      title={readString(props, 'title')}
      testId={readString(props, 'testId')}
      actions={actions.length > 0 ? (actions as ReactElement[]) : undefined}
    >
      {children}
    </SectionMessage>
  );
}

function SectionMessageActionHost({ props, children }: HostComponentProps): ReactElement {
  const onClick = readCallback(props, 'onClick');
  return (
    <SectionMessageAction
      href={readString(props, 'href')}
      onClick={onClick ? () => callApp(onClick) : undefined}
    >
      {children}
    </SectionMessageAction>
  );
}

/** `@forge/react` bundles its own EmptyState; Atlaskit's empty-state is not installed, so it is composed here. */
function EmptyStateHost({ props, render }: HostComponentProps): ReactElement {
  const actions = ['primaryAction', 'secondaryAction', 'tertiaryAction'].flatMap((name) =>
    nodeToDocs(props[name], name).map(render),
  );
  return (
    <div data-testid={readString(props, 'testId')} style={{ textAlign: 'center', padding: '24px 0' }}>
      <Stack space="space.150" alignInline="center">
        <Heading size="medium">{readString(props, 'header') ?? ''}</Heading>
        {nodeToDocs(props.description, 'description').map(render)}
        {actions}
      </Stack>
    </div>
  );
}

function SpinnerHost({ props }: HostComponentProps): ReactElement {
  return <Spinner size={readString(props, 'size') as SpinnerSize} label={readString(props, 'label')} />;
}

function ProgressBarHost({ props }: HostComponentProps): ReactElement {
  return (
    <ProgressBar
      value={readNumber(props, 'value') ?? 0}
      isIndeterminate={readBoolean(props, 'isIndeterminate')}
      ariaLabel={readString(props, 'ariaLabel')}
    />
  );
}

function TooltipHost({ props, children }: HostComponentProps): ReactElement {
  return (
    <Tooltip content={nodeToText(props.content)} position={readString(props, 'position') as never}>
      {(triggerProps) => (
        <span {...triggerProps} tabIndex={0}>
          {children}
        </span>
      )}
    </Tooltip>
  );
}

export const STATUS_COMPONENTS: ComponentMap = {
  Lozenge: LozengeHost,
  Badge: BadgeHost,
  Tag: TagHost,
  TagGroup: ({ children }) => <TagGroup>{children}</TagGroup>,
  SectionMessage: SectionMessageHost,
  SectionMessageAction: SectionMessageActionHost,
  EmptyState: EmptyStateHost,
  Spinner: SpinnerHost,
  ProgressBar: ProgressBarHost,
  Tooltip: TooltipHost,
};
