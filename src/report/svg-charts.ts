/**
 * Small inline SVG charts for the HTML report, drawn by hand: pure functions from data to an `<svg>` string, no
 * scripts, sized by viewBox so they scale with the page. Labels are escaped; every chart has a <title> for
 * screen readers and a tooltip <title> per mark.
 */
import { escapeHtml } from './escape';

export interface BarPoint {
  label: string;
  value: number;
  /** 0..1; colours the bar (undefined: neutral). */
  successRate?: number;
  /** Tooltip text; defaults to `label: value`. */
  detail?: string;
}

export interface LinePoint {
  label: string;
  value?: number;
  detail?: string;
}

export interface HBarItem {
  label: string;
  value: number;
  /** Shown after the bar, e.g. "56%". */
  note?: string;
}

/** Success-rate colour: green from 90%, amber from 75%, red below; grey with no finished runs. */
export function successColour(rate: number | undefined): string {
  if (rate === undefined) return '#8993a4';
  if (rate >= 0.9) return '#1f845a';
  if (rate >= 0.75) return '#b38600';
  return '#c9372c';
}

const num = (n: number): string => String(Math.round(n * 10) / 10);
const niceMax = (max: number): number => {
  if (max <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  return Math.ceil(max / step) * step;
};

function frame(title: string, width: number, height: number, body: string): string {
  return (
    `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" ` +
    `aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title>${body}</svg>`
  );
}

const empty = (title: string, width: number, height: number): string =>
  frame(
    title,
    width,
    height,
    `<text class="empty" x="${width / 2}" y="${height / 2}" text-anchor="middle">No data</text>`,
  );

/** Vertical bars, one per point (e.g. weekly runs), coloured by success rate. */
export function barChart(title: string, points: BarPoint[], width = 520, height = 200): string {
  if (!points.length) return empty(title, width, height);
  const pad = { top: 12, right: 8, bottom: 28, left: 40 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const max = niceMax(Math.max(...points.map((p) => p.value)));
  const slot = plotW / points.length;
  const barW = Math.max(2, slot * 0.7);
  const labelEvery = Math.ceil(points.length / 8);
  const parts = [
    `<line class="axis" x1="${pad.left}" y1="${pad.top + plotH}" x2="${width - pad.right}" y2="${pad.top + plotH}"/>`,
    `<text class="tick" x="${pad.left - 6}" y="${pad.top + 4}" text-anchor="end">${num(max)}</text>`,
    `<text class="tick" x="${pad.left - 6}" y="${pad.top + plotH}" text-anchor="end">0</text>`,
  ];
  points.forEach((p, i) => {
    const h = (Math.max(0, p.value) / max) * plotH;
    const x = pad.left + i * slot + (slot - barW) / 2;
    const y = pad.top + plotH - h;
    const tip = p.detail ?? `${p.label}: ${num(p.value)}`;
    parts.push(
      `<rect class="bar" x="${num(x)}" y="${num(y)}" width="${num(barW)}" height="${num(h)}" fill="${successColour(p.successRate)}">` +
        `<title>${escapeHtml(tip)}</title></rect>`,
    );
    if (i % labelEvery === 0) {
      parts.push(
        `<text class="tick" x="${num(x + barW / 2)}" y="${height - 10}" text-anchor="middle">${escapeHtml(p.label)}</text>`,
      );
    }
  });
  return frame(title, width, height, parts.join(''));
}

/** A line through the defined points (gaps where a value is missing), with a dot per point. */
export function lineChart(
  title: string,
  points: LinePoint[],
  format: (v: number) => string = num,
  width = 520,
  height = 200,
): string {
  const defined = points.filter((p): p is LinePoint & { value: number } => p.value !== undefined);
  if (!defined.length) return empty(title, width, height);
  const pad = { top: 12, right: 24, bottom: 28, left: 56 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const max = niceMax(Math.max(...defined.map((p) => p.value)));
  const x = (i: number): number =>
    pad.left + (points.length === 1 ? plotW / 2 : (i / (points.length - 1)) * plotW);
  const y = (v: number): number => pad.top + plotH - (v / max) * plotH;
  const segments: string[][] = [[]];
  const dots: string[] = [];
  points.forEach((p, i) => {
    if (p.value === undefined) {
      segments.push([]);
      return;
    }
    segments[segments.length - 1]?.push(`${num(x(i))},${num(y(p.value))}`);
    dots.push(
      `<circle class="dot" cx="${num(x(i))}" cy="${num(y(p.value))}" r="3"><title>${escapeHtml(p.detail ?? `${p.label}: ${format(p.value)}`)}</title></circle>`,
    );
  });
  const labelEvery = Math.ceil(points.length / 8);
  const ticks = points
    .map((p, i) =>
      i % labelEvery === 0
        ? `<text class="tick" x="${num(x(i))}" y="${height - 10}" text-anchor="middle">${escapeHtml(p.label)}</text>`
        : '',
    )
    .join('');
  const body = [
    `<line class="axis" x1="${pad.left}" y1="${pad.top + plotH}" x2="${width - pad.right}" y2="${pad.top + plotH}"/>`,
    `<text class="tick" x="${pad.left - 6}" y="${pad.top + 4}" text-anchor="end">${escapeHtml(format(max))}</text>`,
    `<text class="tick" x="${pad.left - 6}" y="${pad.top + plotH}" text-anchor="end">0</text>`,
    ...segments
      .filter((s) => s.length > 1)
      .map(
        (s) =>
          `<polyline class="line" fill="none" stroke="#0c66e4" stroke-width="2" points="${s.join(' ')}"/>`,
      ),
    ...dots,
    ticks,
  ];
  return frame(title, width, height, body.join(''));
}

/** Horizontal bars, one per item, longest first as given (e.g. failure categories). */
export function horizontalBarChart(title: string, items: HBarItem[], width = 520): string {
  const row = 24;
  const height = Math.max(1, items.length) * row + 8;
  if (!items.length) return empty(title, width, 60);
  const labelW = 130;
  const noteW = 70;
  const plotW = width - labelW - noteW;
  const max = Math.max(...items.map((i) => i.value), 1);
  const parts = items.map((item, i) => {
    const y = 4 + i * row;
    const w = Math.max(1, (Math.max(0, item.value) / max) * plotW);
    return (
      `<text class="label" x="${labelW - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(item.label)}</text>` +
      `<rect class="hbar" fill="#0c66e4" x="${labelW}" y="${y + 3}" width="${num(w)}" height="${row - 8}"><title>${escapeHtml(`${item.label}: ${num(item.value)}`)}</title></rect>` +
      `<text class="note" x="${num(labelW + w + 6)}" y="${y + 15}">${escapeHtml(item.note ?? num(item.value))}</text>`
    );
  });
  return frame(title, width, height, parts.join(''));
}

/** A small trend line for a table cell; the last point is marked. Missing values are skipped. */
export function sparkline(title: string, values: (number | undefined)[], width = 96, height = 24): string {
  const defined = values
    .map((v, i) => ({ v, i }))
    .filter((p): p is { v: number; i: number } => p.v !== undefined);
  if (!defined.length) return '';
  const min = Math.min(...defined.map((p) => p.v));
  const max = Math.max(...defined.map((p) => p.v));
  const span = max - min || 1;
  const x = (i: number): number =>
    values.length === 1 ? width / 2 : 2 + (i / (values.length - 1)) * (width - 4);
  const y = (v: number): number => (max === min ? height / 2 : 2 + (1 - (v - min) / span) * (height - 4));
  const pts = defined.map((p) => `${num(x(p.i))},${num(y(p.v))}`).join(' ');
  const last = defined[defined.length - 1] as { v: number; i: number };
  return (
    `<svg class="spark" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}" ` +
    `xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title>` +
    `${defined.length > 1 ? `<polyline class="line" fill="none" stroke="#0c66e4" stroke-width="1.5" points="${pts}"/>` : ''}` +
    `<circle class="dot" cx="${num(x(last.i))}" cy="${num(y(last.v))}" r="2"/></svg>`
  );
}
