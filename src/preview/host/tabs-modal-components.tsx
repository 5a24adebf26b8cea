/** UI Kit Tabs and Modal families, mapped one to one onto `@atlaskit/tabs` and `@atlaskit/modal-dialog`. */
import type { ComponentProps, ReactElement } from 'react';
import Tabs, { Tab, TabList, TabPanel } from '@atlaskit/tabs';
import Modal, {
  ModalBody,
  ModalFooter,
  ModalHeader,
  ModalTitle,
  ModalTransition,
} from '@atlaskit/modal-dialog';
import type { ComponentMap, HostComponentProps } from './render-doc';
import { callApp, readCallback, readKey, readNumber, readString } from './prop-readers';

type ModalWidth = ComponentProps<typeof Modal>['width'];

function TabsHost({ props, children }: HostComponentProps): ReactElement {
  const onChange = readCallback(props, 'onChange');
  const selected = readNumber(props, 'selected');
  return (
    <Tabs
      id={readString(props, 'id') ?? 'tabs'}
      {...(selected === undefined ? { defaultSelected: readNumber(props, 'defaultSelected') } : { selected })}
      onChange={(index) => callApp(onChange, index)}
      testId={readString(props, 'testId')}
    >
      {children}
    </Tabs>
  );
}

function ModalHost({ props, children }: HostComponentProps): ReactElement {
  const onClose = readCallback(props, 'onClose');
  return (
    <Modal
      onClose={() => callApp(onClose)}
      width={readKey(props, 'width') as ModalWidth}
      label={readString(props, 'label')}
      testId={readString(props, 'testId')}
    >
      {children}
    </Modal>
  );
}

export const TABS_MODAL_COMPONENTS: ComponentMap = {
  Tabs: TabsHost,
  TabList: ({ children }) => <TabList>{children}</TabList>,
  Tab: ({ children }) => <Tab>{children}</Tab>,
  TabPanel: ({ children }) => (
    <TabPanel>
      <div style={{ width: '100%', paddingTop: 8 }}>{children}</div>
    </TabPanel>
  ),
  Modal: ModalHost,
  ModalTransition: ({ children }) => <ModalTransition>{children}</ModalTransition>,
  ModalHeader: ({ children }) => <ModalHeader>{children}</ModalHeader>,
  ModalTitle: ({ children }) => <ModalTitle>{children}</ModalTitle>,
  ModalBody: ({ children }) => <ModalBody>{children}</ModalBody>,
  ModalFooter: ({ children }) => <ModalFooter>{children}</ModalFooter>,
};
