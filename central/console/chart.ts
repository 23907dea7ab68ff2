/**
 * The day-by-day liability chart as inline SVG, drawn on the server: the
 * console runs no script (its Content-Security-Policy forbids any), so it
 * needs no chart library in the browser and no asset route; the numbers are
 * also in a table under the chart for a screen reader or a keyboard user.
 * Bars: each day's 抽成, 已返, 作废; line: 尚欠 at the day's end.
 * Coordinates come from integer fen scaled to whole pixels.
 */
import { dayStart, type LiabilityDay } from './days';
import { esc, yuan } from './html';

const W = 1100;
const H = 280;
const LEFT = 96;
const RIGHT = 16;
const TOP = 16;
const BOTTOM = 40;

const SERIES = [
  { key: 'extractedFen', label: '抽成', color: '#5b8ff9' },
  { key: 'paidOutFen', label: '已返', color: '#5ad8a6' },
  { key: 'forfeitedFen', label: '作废', color: '#f6bd16' },
] as const;
const OWED_COLOR = '#e8684a';

const dateFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: 'numeric', day: 'numeric' });
const dayLabel = (day: number) => dateFormat.format(new Date(dayStart(day)));

/** A round step (1, 2 or 5 × 10ⁿ yuan, in fen) giving about 4 grid lines up to `max`. */
function gridStep(maxFen: number): number {
  const rough = Math.max(100, Math.ceil(maxFen / 4));
  let unit = 100;
  while (unit * 10 <= rough) unit *= 10;
  for (const m of [1, 2, 5, 10]) if (unit * m >= rough) return unit * m;
  return unit * 10;
}

export function liabilityChart(days: readonly LiabilityDay[], title: string): string {
  if (days.length === 0) return '';
  const max = Math.max(1, ...days.flatMap((d) => [d.owedFen, d.extractedFen, d.paidOutFen, d.forfeitedFen]));
  const step = gridStep(max);
  const top = Math.ceil(max / step) * step;
  const plotW = W - LEFT - RIGHT;
  const plotH = H - TOP - BOTTOM;
  const y = (fen: number) => TOP + plotH - Math.round((Math.max(0, fen) * plotH) / top);
  const slot = plotW / days.length;
  const barW = Math.max(2, Math.floor((slot - 4) / SERIES.length));
  const parts: string[] = [];
  for (let v = 0; v <= top; v += step) {
    parts.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e7eb"/><text x="${LEFT - 6}" y="${y(v) + 4}" text-anchor="end" fill="#646a73">${yuan(v).replace(/\.00$/, '')}</text>`);
  }
  const labelEvery = Math.ceil(days.length / 10);
  days.forEach((d, i) => {
    const x0 = Math.round(LEFT + i * slot + (slot - barW * SERIES.length) / 2);
    SERIES.forEach((s, k) => {
      const value = d[s.key];
      if (value > 0) parts.push(`<rect x="${x0 + k * barW}" y="${y(value)}" width="${barW - 1}" height="${y(0) - y(value)}" fill="${s.color}"><title>${dayLabel(d.day)} ${s.label} ${yuan(value)}</title></rect>`);
    });
    if (i % labelEvery === 0 || i === days.length - 1) parts.push(`<text x="${Math.round(LEFT + i * slot + slot / 2)}" y="${H - BOTTOM + 18}" text-anchor="middle" fill="#646a73">${dayLabel(d.day)}</text>`);
  });
  const points = days.map((d, i) => `${Math.round(LEFT + i * slot + slot / 2)},${y(d.owedFen)}`).join(' ');
  parts.push(`<polyline points="${points}" fill="none" stroke="${OWED_COLOR}" stroke-width="2.5"/>`);
  days.forEach((d, i) => parts.push(`<circle cx="${Math.round(LEFT + i * slot + slot / 2)}" cy="${y(d.owedFen)}" r="3" fill="${OWED_COLOR}"><title>${dayLabel(d.day)} 日终尚欠 ${yuan(d.owedFen)}</title></circle>`));
  const legend = [...SERIES.map((s) => `<span><i style="background:${s.color}"></i>${s.label}（每天）</span>`), `<span><i style="background:${OWED_COLOR}"></i>尚欠（日终）</span>`].join('');
  const rows = [...days]
    .reverse()
    .map((d) => `<tr><td>${dayLabel(d.day)}</td><td>${yuan(d.salesFen)}</td><td>${yuan(d.extractedFen)}</td><td>${yuan(d.paidOutFen)}</td><td>${yuan(d.forfeitedFen)}</td><td>${yuan(d.exchangedFen)}</td><td>${yuan(d.undistributedFen)}</td><td>${yuan(d.owedFen)}</td></tr>`)
    .join('');
  return `<figure class="card" data-test="liability-chart" style="margin:0 0 12px">
<figcaption><b>${esc(title)}</b> <span class="legend muted">${legend}</span></figcaption>
<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(title)}：最近 ${days.length} 天每天的抽成、已返、作废和日终尚欠">${parts.join('')}</svg>
<details><summary>按天查看数字</summary><table data-test="days-table"><thead><tr><th>日期</th><th>销售额</th><th>抽成</th><th>已返</th><th>作废</th><th>兑换</th><th>未分配</th><th>日终尚欠</th></tr></thead><tbody>${rows}</tbody></table></details>
</figure>`;
}
