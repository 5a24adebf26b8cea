/** UI Kit buttons, mapped to `@atlaskit/button/new`. Clicks reach the app as plain data, as over Forge's bridge. */
import type { ComponentProps, ReactElement } from 'react';
import Button, { LinkButton } from '@atlaskit/button/new';
import { Inline } from '@atlaskit/primitives';
import Spinner from '@atlaskit/spinner';
import type { ComponentMap, HostComponentProps } from './render-doc';
import {
  callApp,
  readBoolean,
  readCallback,
  readString,
  serialisableEvent,
  type DocProps,
} from './prop-readers';

type Appearance = ComponentProps<typeof Button>['appearance'];
type Spacing = ComponentProps<typeof Button>['spacing'];

function commonButtonProps(props: DocProps) {
  const onClick = readCallback(props, 'onClick');
  return {
    appearance: readString(props, 'appearance') as Appearance,
    spacing: (readString(props, 'spacing') === 'none' ? 'compact' : readString(props, 'spacing')) as Spacing,
    isDisabled: readBoolean(props, 'isDisabled'),
    isSelected: readBoolean(props, 'isSelected'),
    shouldFitContainer: readBoolean(props, 'shouldFitContainer'),
    testId: readString(props, 'testId'),
    onClick: onClick ? () => callApp(onClick, serialisableEvent('click')) : undefined,
  };
}

function ButtonHost({ props, children }: HostComponentProps): ReactElement {
  const type = readString(props, 'type');
  return (
    <Button {...commonButtonProps(props)} type={type === 'submit' || type === 'reset' ? type : 'button'}>
      {children}
    </Button>
  );
}

/** LoadingButton shows a spinner and ignores clicks while the app says it is loading. */
function LoadingButtonHost({ props, children }: HostComponentProps): ReactElement {
  const isLoading = readBoolean(props, 'isLoading') === true;
  const type = readString(props, 'type');
  return (
    <Button
      {...commonButtonProps(props)}
      isDisabled={isLoading || readBoolean(props, 'isDisabled')}
      type={type === 'submit' ? 'submit' : 'button'}
    >
      {isLoading ? <Spinner size="small" label="Loading" /> : children}
    </Button>
  );
}

function LinkButtonHost({ props, children }: HostComponentProps): ReactElement {
  const href = readString(props, 'href') ?? '#';
  const appearance = readString(props, 'appearance');
  return (
    <LinkButton
      {...commonButtonProps(props)}
      appearance={
        (appearance === 'link' || appearance === 'subtle-link' ? 'subtle' : appearance) as Appearance
      }
      href={href}
      target={readString(props, 'target')}
    >
      {children}
    </LinkButton>
  );
}

export const ACTION_COMPONENTS: ComponentMap = {
  Button: ButtonHost,
  LoadingButton: LoadingButtonHost,
  LinkButton: LinkButtonHost,
  ButtonGroup: ({ children }) => <Inline space="space.100">{children}</Inline>,
};
