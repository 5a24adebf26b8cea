/**
 * Some UI Kit props hold React nodes (SectionMessage `actions`, EmptyState `description`, DynamicTable `emptyView`,
 * Tooltip `content`). The reconciler only turns children into forgeDoc, so such props arrive as the app's React
 * elements. They are converted here into forgeDoc the same way `@forge/react`'s DynamicTable evaluates cell
 * content: UI Kit elements map by name, function components are called with their props.
 */
import { docText, isForgeDoc, type ForgeDoc } from './forge-doc';

interface ElementLike {
  type: unknown;
  props: Record<string, unknown>;
  key: unknown;
}

const MAX_DEPTH = 50;

export function nodeToDocs(node: unknown, keyPrefix = 'n', depth = 0): ForgeDoc[] {
  if (depth > MAX_DEPTH || node === null || node === undefined || typeof node === 'boolean') return [];
  if (typeof node === 'string' || typeof node === 'number') {
    return [{ type: 'String', props: { text: String(node) }, children: [], key: keyPrefix }];
  }
  if (Array.isArray(node))
    return node.flatMap((child, i) => nodeToDocs(child, `${keyPrefix}.${i}`, depth + 1));
  if (isForgeDoc(node)) return [node];
  if (!isElementLike(node)) return [];
  if (typeof node.type === 'function') {
    return nodeToDocs((node.type as (p: unknown) => unknown)(node.props), keyPrefix, depth + 1);
  }
  if (typeof node.type !== 'string') return nodeToDocs(node.props.children, keyPrefix, depth + 1);
  const { children, ...props } = node.props;
  return [
    { type: node.type, props, children: nodeToDocs(children, `${keyPrefix}.c`, depth + 1), key: keyPrefix },
  ];
}

/** A node prop as plain text, for Atlaskit props that only take strings. */
export function nodeToText(node: unknown): string {
  return nodeToDocs(node).map(docText).join('');
}

function isElementLike(value: unknown): value is ElementLike {
  return typeof value === 'object' && value !== null && '$$typeof' in value && 'props' in value;
}
