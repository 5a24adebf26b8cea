/**
 * The tree `@forge/react`'s reconciler hands to its host through `__bridge.callBridge('reconcile', { forgeDoc })`:
 * one node per UI Kit element, text as `String` nodes, event handlers as plain functions in `props`.
 * The reconciler mutates this tree in place between commits, so the host re-reads it on every reconcile.
 */
export interface ForgeDoc {
  type: string;
  props: Record<string, unknown>;
  children: ForgeDoc[];
  key: string;
}

export function isForgeDoc(value: unknown): value is ForgeDoc {
  if (typeof value !== 'object' || value === null) return false;
  const doc = value as Partial<ForgeDoc>;
  return typeof doc.type === 'string' && Array.isArray(doc.children) && typeof doc.props === 'object';
}

/** The concatenated text of a node, for places where Atlaskit wants a string (tab labels, tooltips). */
export function docText(doc: ForgeDoc): string {
  if (doc.type === 'String')
    return typeof doc.props.text === 'string' ? doc.props.text : String(doc.props.text ?? '');
  return doc.children.map(docText).join('');
}
