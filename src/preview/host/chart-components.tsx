/** UI Kit charts drawn with recharts: line, bar (stacked, horizontal) and pie/donut, with title and subtitle. */
import type { ReactElement, ReactNode } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import Heading from '@atlaskit/heading';
import type { ComponentMap, HostComponentProps } from './render-doc';
import { readArray, readKey, readNumber, readString, type DocProps } from './prop-readers';
import { paletteColor, pieSlices, seriesTable, type Accessor } from './chart-data';

const DEFAULT_HEIGHT = 400;

function accessor(props: DocProps, name: string): Accessor {
  return readKey(props, name) ?? 0;
}

function palette(props: DocProps): string[] | undefined {
  const colors = readArray(props, 'colorPalette')?.filter((c): c is string => typeof c === 'string');
  return colors && colors.length > 0 ? colors : undefined;
}

function ChartFrame({ props, children }: { props: DocProps; children: ReactElement }): ReactElement {
  const title = readString(props, 'title');
  const subtitle = readString(props, 'subtitle');
  const width = readNumber(props, 'width');
  return (
    <figure
      data-ui-kit-chart
      style={{
        margin: 0,
        padding: 8,
        border: props.showBorder === false ? 'none' : '1px solid #dfe1e6',
        borderRadius: 4,
        width: width ?? '100%',
        boxSizing: 'border-box',
      }}
    >
      {title ? <Heading size="small">{title}</Heading> : null}
      {subtitle ? <small style={{ color: '#626f86' }}>{subtitle}</small> : null}
      <div style={{ width: '100%', height: readNumber(props, 'height') ?? DEFAULT_HEIGHT }}>
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

function table(props: DocProps) {
  return seriesTable(
    readArray(props, 'data') ?? [],
    accessor(props, 'xAccessor'),
    accessor(props, 'yAccessor'),
    readKey(props, 'colorAccessor'),
  );
}

function LineChartHost({ props }: HostComponentProps): ReactElement {
  const { rows, series } = table(props);
  const colors = palette(props);
  return (
    <ChartFrame props={props}>
      <LineChart data={rows}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="x" />
        <YAxis />
        <Tooltip />
        {series.length > 1 ? <Legend /> : null}
        {series.map((name, i) => (
          <Line
            key={name}
            dataKey={name}
            stroke={paletteColor(i, colors)}
            dot={false}
            isAnimationActive={false}
            connectNulls
          />
        ))}
      </LineChart>
    </ChartFrame>
  );
}

function barChart(options: { horizontal: boolean; stacked: boolean }) {
  return function BarChartHost({ props }: HostComponentProps): ReactElement {
    const { rows, series } = table(props);
    const colors = palette(props);
    const bars: ReactNode = series.map((name, i) => (
      <Bar
        key={name}
        dataKey={name}
        fill={paletteColor(i, colors)}
        stackId={options.stacked ? 'stack' : undefined}
        isAnimationActive={false}
      />
    ));
    return (
      <ChartFrame props={props}>
        <BarChart data={rows} layout={options.horizontal ? 'vertical' : 'horizontal'}>
          <CartesianGrid strokeDasharray="3 3" />
          {options.horizontal ? <XAxis type="number" /> : <XAxis dataKey="x" />}
          {options.horizontal ? <YAxis type="category" dataKey="x" width={140} /> : <YAxis />}
          <Tooltip />
          {series.length > 1 ? <Legend /> : null}
          {bars}
        </BarChart>
      </ChartFrame>
    );
  };
}

function pieChart(options: { donut: boolean }) {
  return function PieChartHost({ props }: HostComponentProps): ReactElement {
    const slices = pieSlices(
      readArray(props, 'data') ?? [],
      accessor(props, 'labelAccessor'),
      accessor(props, 'valueAccessor'),
      accessor(props, 'colorAccessor'),
    );
    const groups = [...new Set(slices.map((s) => s.group))];
    const colors = palette(props);
    return (
      <ChartFrame props={props}>
        <PieChart>
          <Tooltip />
          <Legend />
          <Pie
            data={slices}
            dataKey="value"
            nameKey="label"
            innerRadius={options.donut ? (readNumber(props, 'innerRadius') ?? '55%') : 0}
            outerRadius={readNumber(props, 'outerRadius') ?? '80%'}
            label={props.showMarkLabels === true}
            isAnimationActive={false}
          >
            {slices.map((slice) => (
              <Cell key={slice.label} fill={paletteColor(groups.indexOf(slice.group), colors)} />
            ))}
          </Pie>
        </PieChart>
      </ChartFrame>
    );
  };
}

export const CHART_COMPONENTS: ComponentMap = {
  LineChart: LineChartHost,
  BarChart: barChart({ horizontal: false, stacked: false }),
  StackBarChart: barChart({ horizontal: false, stacked: true }),
  HorizontalBarChart: barChart({ horizontal: true, stacked: false }),
  HorizontalStackBarChart: barChart({ horizontal: true, stacked: true }),
  PieChart: pieChart({ donut: false }),
  DonutChart: pieChart({ donut: true }),
};
