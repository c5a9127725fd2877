/** The Reports view's charts, drawn as SVG from the geometry in chart.ts. */

import type { ReportWeek } from "../api/bindings";
import { BOX, KINDS, band, hours, isEmpty, linePaths, niceScale, stackBars, yOf, type KindName } from "./chart";

function Axis(props: { ticks: number[]; max: number; format?: (v: number) => string }) {
  const fmt = props.format ?? String;
  return (
    <g class="axis">
      {props.ticks.map((t) => {
        const y = yOf(t, props.max);
        return (
          <g key={t}>
            <line x1={BOX.left} x2={BOX.width - BOX.right} y1={y} y2={y} class="grid" />
            <text x={BOX.left - 4} y={y + 3} text-anchor="end">
              {fmt(t)}
            </text>
          </g>
        );
      })}
    </g>
  );
}

/** Week labels under the columns, thinned out so they never overlap. */
function Weeks(props: { weeks: ReportWeek[] }) {
  const n = props.weeks.length;
  const every = Math.max(1, Math.ceil(n / 8));
  return (
    <g class="axis">
      {props.weeks.map((w, i) =>
        i % every === 0 ? (
          <text key={w.week} x={band(i, n).mid} y={BOX.height - 6} text-anchor="middle">
            {w.week.replace(/^\d{4}-/, "")}
          </text>
        ) : null,
      )}
    </g>
  );
}

function Empty(props: { title: string }) {
  return (
    <figure class="chart empty">
      <figcaption>{props.title}</figcaption>
      <p class="muted">Nothing in this period.</p>
    </figure>
  );
}

function kindsOf(w: ReportWeek): Partial<Record<KindName, number>> {
  const out: Partial<Record<KindName, number>> = {};
  for (const k of w.by_kind) if ((KINDS as readonly string[]).includes(k.kind)) out[k.kind as KindName] = k.created;
  return out;
}

export function CreatedChart(props: { weeks: ReportWeek[] }) {
  const weeks = props.weeks;
  const title = "Tickets created per week, by kind";
  if (isEmpty([weeks.map((w) => w.created)])) return <Empty title={title} />;
  const { max, ticks, columns } = stackBars(weeks.map((w) => ({ byKind: kindsOf(w) })));
  return (
    <figure class="chart" id="chart-created">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${BOX.width} ${BOX.height}`} role="img" aria-label={title}>
        <Axis ticks={ticks} max={max} />
        {columns.map((segs, i) =>
          segs.map((s) => (
            <rect key={`${i}-${s.kind}`} class={`bar kind-${s.kind}`} x={s.x} y={s.y} width={s.w} height={s.h}>
              <title>{`${weeks[i]?.week ?? ""}: ${s.value} ${s.kind}`}</title>
            </rect>
          )),
        )}
        <Weeks weeks={weeks} />
      </svg>
      <ul class="legend">
        {KINDS.map((k) => (
          <li key={k}>
            <span class={`swatch kind-${k}`} />
            {k}
          </li>
        ))}
      </ul>
    </figure>
  );
}

export function TimesChart(props: { weeks: ReportWeek[] }) {
  const weeks = props.weeks;
  const title = "Median first response and resolution (hours)";
  const fr = weeks.map((w) => w.median_first_response_hours);
  const res = weeks.map((w) => w.median_resolution_hours);
  if (isEmpty([fr, res])) return <Empty title={title} />;
  const { max, ticks } = niceScale(Math.max(0, ...[...fr, ...res].filter((v): v is number => v !== null)));
  const lines = [
    { name: "first response", cls: "first-response", data: linePaths(fr, max) },
    { name: "resolution", cls: "resolution", data: linePaths(res, max) },
  ];
  return (
    <figure class="chart" id="chart-times">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${BOX.width} ${BOX.height}`} role="img" aria-label={title}>
        <Axis ticks={ticks} max={max} />
        {lines.map((l) => (
          <g key={l.cls} class={`line ${l.cls}`}>
            {l.data.paths.map((d) => (
              <path key={d} d={d} />
            ))}
            {l.data.points.map((p) => (
              <circle key={`${p.x}`} cx={p.x} cy={p.y} r={3}>
                <title>{`${l.name}: ${hours(p.value)}`}</title>
              </circle>
            ))}
          </g>
        ))}
        <Weeks weeks={weeks} />
      </svg>
      <ul class="legend">
        {lines.map((l) => (
          <li key={l.cls}>
            <span class={`swatch line-${l.cls}`} />
            median {l.name}
          </li>
        ))}
      </ul>
    </figure>
  );
}

export function BacklogChart(props: { weeks: ReportWeek[] }) {
  const weeks = props.weeks;
  const title = "Backlog at each week's end";
  if (isEmpty([weeks.map((w) => w.backlog)])) return <Empty title={title} />;
  const { max, ticks } = niceScale(Math.max(0, ...weeks.map((w) => w.backlog)));
  return (
    <figure class="chart" id="chart-backlog">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${BOX.width} ${BOX.height}`} role="img" aria-label={title}>
        <Axis ticks={ticks} max={max} />
        {weeks.map((w, i) => {
          const { x, w: width } = band(i, weeks.length);
          const y = yOf(w.backlog, max);
          return (
            <rect key={w.week} class="bar backlog" x={x} y={y} width={width} height={yOf(0, max) - y}>
              <title>{`${w.week}: ${w.backlog} open`}</title>
            </rect>
          );
        })}
        <Weeks weeks={weeks} />
      </svg>
    </figure>
  );
}
