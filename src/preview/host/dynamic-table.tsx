/**
 * UI Kit DynamicTable. `@forge/react` turns `head` and `rows` into child nodes (ContentWrapper "head" of Cells,
 * ContentWrapper "rows" of Rows of Cells) so cell content is reconciled; this rebuilds the `head`/`rows` props
 * `@atlaskit/dynamic-table` expects, with each cell's content rendered from its forgeDoc children.
 */
import type { ComponentProps, ReactElement } from 'react';
import DynamicTable from '@atlaskit/dynamic-table';
import type { ForgeDoc } from './forge-doc';
import type { HostComponentProps, RenderDoc } from './render-doc';
import { callApp, readBoolean, readCallback, readKey, readNumber, readString } from './prop-readers';
import { nodeToDocs } from './node-props';

type TableProps = ComponentProps<typeof DynamicTable>;
type HeadCell = NonNullable<TableProps['head']>['cells'][number];
type RowCell = NonNullable<TableProps['rows']>[number]['cells'][number];

function wrapper(doc: ForgeDoc, name: string): ForgeDoc | undefined {
  return doc.children.find((child) => child.type === 'ContentWrapper' && child.props.name === name);
}

function cellFrom(cell: ForgeDoc, render: RenderDoc): RowCell & HeadCell {
  const { cellKey, ...rest } = cell.props;
  const key = typeof cellKey === 'string' || typeof cellKey === 'number' ? cellKey : undefined;
  return { ...rest, key, content: <>{cell.children.map(render)}</> } as RowCell & HeadCell;
}

export function tableHead(doc: ForgeDoc, render: RenderDoc): TableProps['head'] {
  const head = wrapper(doc, 'head');
  if (!head) return undefined;
  return { cells: head.children.filter((c) => c.type === 'Cell').map((cell) => cellFrom(cell, render)) };
}

export function tableRows(doc: ForgeDoc, render: RenderDoc): TableProps['rows'] {
  const rows = wrapper(doc, 'rows');
  if (!rows) return undefined;
  return rows.children
    .filter((row) => row.type === 'Row')
    .map((row) => {
      const { rowKey, isHighlighted } = row.props;
      return {
        key: String(rowKey ?? row.key),
        isHighlighted: isHighlighted === true,
        cells: row.children.filter((c) => c.type === 'Cell').map((cell) => cellFrom(cell, render)),
      };
    });
}

export function DynamicTableHost({ props, doc, render }: HostComponentProps): ReactElement {
  const onSort = readCallback(props, 'onSort');
  const onSetPage = readCallback(props, 'onSetPage');
  const emptyView = nodeToDocs(props.emptyView, 'empty').map(render);
  const sortOrder = readString(props, 'sortOrder') ?? readString(props, 'defaultSortOrder');
  return (
    <DynamicTable
      head={tableHead(doc, render)}
      rows={tableRows(doc, render)}
      caption={readString(props, 'caption')}
      rowsPerPage={readNumber(props, 'rowsPerPage')}
      defaultPage={readNumber(props, 'defaultPage')}
      page={readNumber(props, 'page')}
      defaultSortKey={readString(props, 'defaultSortKey')}
      sortKey={readString(props, 'sortKey')}
      sortOrder={sortOrder === 'ASC' || sortOrder === 'DESC' ? sortOrder : undefined}
      isLoading={readBoolean(props, 'isLoading')}
      isFixedSize={readBoolean(props, 'isFixedSize')}
      highlightedRowIndex={readKey(props, 'highlightedRowIndex') as number | undefined}
      emptyView={emptyView.length > 0 ? <>{emptyView}</> : undefined}
      label={readString(props, 'label')}
      testId={readString(props, 'testId')}
      onSort={(sort: { key: string; sortOrder: string }) =>
        callApp(onSort, { key: sort.key, sortOrder: sort.sortOrder })
      }
      onSetPage={(page: number) => callApp(onSetPage, page)}
    />
  );
}
