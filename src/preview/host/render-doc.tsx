/**
 * Turns a forgeDoc into host React elements: each UI Kit `type` is looked up in the component map and given the
 * node's props, its rendered children, and the renderer itself (for components whose children carry structure,
 * such as DynamicTable's rows and cells).
 */
import type { ReactElement, ReactNode } from 'react';
import type { ForgeDoc } from './forge-doc';
import type { DocProps } from './prop-readers';

export interface HostComponentProps {
  props: DocProps;
  doc: ForgeDoc;
  children: ReactNode;
  render: RenderDoc;
}

export type HostComponent = (input: HostComponentProps) => ReactElement | null;
export type ComponentMap = Readonly<Record<string, HostComponent>>;
export type RenderDoc = (doc: ForgeDoc) => ReactNode;

export function createRenderer(components: ComponentMap): RenderDoc {
  const render: RenderDoc = (doc) => {
    if (doc.type === 'String') return String(doc.props.text ?? '');
    const Component = components[doc.type] ?? UnsupportedComponent;
    return (
      <Component key={doc.key} props={doc.props} doc={doc} render={render}>
        {doc.children.length > 0 ? doc.children.map(render) : undefined}
      </Component>
    );
  };
  return render;
}

/** Shown in place of a UI Kit component the preview does not map, so a gap is visible rather than silent. */
function UnsupportedComponent({ doc, children }: HostComponentProps): ReactElement {
  return (
    <div data-unsupported-component={doc.type} style={{ border: '1px dashed #de350b', padding: 4 }}>
      <small>UI Kit component “{doc.type}” is not available in the local preview.</small>
      {children}
    </div>
  );
}
