/** Every UI Kit component type the preview renders, by the `type` name `@forge/react` puts in the forgeDoc. */
import type { ComponentMap } from './render-doc';
import { LAYOUT_COMPONENTS } from './layout-components';
import { STATUS_COMPONENTS } from './status-components';
import { ACTION_COMPONENTS } from './action-components';
import { INPUT_COMPONENTS } from './input-components';
import { TABS_MODAL_COMPONENTS } from './tabs-modal-components';
import { CHART_COMPONENTS } from './chart-components';
import { DynamicTableHost } from './dynamic-table';

export const UI_KIT_COMPONENTS: ComponentMap = {
  ...LAYOUT_COMPONENTS,
  ...STATUS_COMPONENTS,
  ...ACTION_COMPONENTS,
  ...INPUT_COMPONENTS,
  ...TABS_MODAL_COMPONENTS,
  ...CHART_COMPONENTS,
  DynamicTable: DynamicTableHost,
};
