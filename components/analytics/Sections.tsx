import type { HourWeekMatrix, MetricTrend, MissedBuyer, PlatformAccounts, ResponseTrend } from '@/lib/analytics';
import { chinaDateTime } from '@/lib/analytics';
import type { Translate } from '@/lib/badge';
import type { Figure } from '@/lib/compliance';
import type { MetricRule } from '@/lib/rules/types';
import { PageText, tNodes } from '../PageText';
import { LineChart } from './Chart';
import { hhmm, late, metricValue, pct, ruleLabel, secs, weekdays } from './format';

const BLUE = '#1677ff';
const PURPLE = '#722ed1';
const ORANGE = '#fa8c16';
const RED = '#f5222d';

/** Shown where a section uses units, which only this computer has (imports carry daily rollups only). */
function LocalOnly({ team, t }: { team: boolean; t: Translate }) {
  return team ? <p className="rs-help">{t('anaTeamLocalOnly')}</p> : null;
}

function Counts({ f, t }: { f: Figure; t: Translate }) {
  return (
    <small className="muted">
      {t('popupCounts', [f.pass, f.fail])}
      {f.pending || f.unknown ? ` · ${t('popupPendingUnknown', [f.pending, f.unknown])}` : ''}
    </small>
  );
}

function lineLabel(m: MetricTrend, t: Translate): string | null {
  if (!m.threshold) return null;
  return m.threshold.kind === 'warn'
    ? t('anaWarnLine', [pct(m.threshold.value)])
    : t('anaDeadlineLine', [m.threshold.value]);
}

/**
 * `tables`: the per-day tables inside the closed `<details>` (a row per day and metric: 1 000+ rows at 90 days) are
 * rendered from the frame after the first paint on (`AnalyticsPage`'s `painted`), so the first frame stays small.
 */
export function TrendsSection({
  trends,
  days,
  tables,
  t,
}: {
  trends: MetricTrend[];
  days: string[];
  tables: boolean;
  t: Translate;
}) {
  return (
    <section id="ana-trends" aria-labelledby="ana-trends-h">
      <h2 id="ana-trends-h">{t('anaTrends')}</h2>
      {!trends.length ? <p className="rs-empty">{t('anaNoData')}</p> : null}
      {trends.map((m) => {
        const line = lineLabel(m, t);
        const unit = m.rule.formula === 'rate' ? '%' : 's';
        return (
          <article key={m.rule.key} className="rs-card" data-metric={m.rule.key}>
            <h3>
              {t(`platform_${m.rule.platform}`)} · {ruleLabel(m.rule, t)}
              {m.rule.confidence === 'L' ? <small className="muted"> · {t('popupUnverified')}</small> : null}
            </h3>
            <p className="rs-total">
              {t('anaTotal')}
              {t('labelSep')}
              <b>{metricValue(m.rule, m.total, t)}</b> <Counts f={m.total} t={t} />
              {' · '}
              <small className="muted">{line ?? t('anaNoLine')}</small>
            </p>
            <LineChart
              days={days}
              dayLabel={t('anaDay')}
              empty={t('anaChartEmpty')}
              unit={unit}
              lines={[
                { label: ruleLabel(m.rule, t), values: m.points.map((p) => p.value), color: BLUE },
                ...(m.threshold && line
                  ? [
                      {
                        label: line,
                        values: days.map(() => m.threshold!.value),
                        color: m.threshold.kind === 'warn' ? ORANGE : RED,
                        dash: [6, 4],
                      },
                    ]
                  : []),
              ]}
            />
            <details>
              <summary>{t('anaDataTable')}</summary>
              {tables ? (
                <table className="rs-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('anaDay')}</th>
                      <th scope="col">{t('anaValue')}</th>
                      <th scope="col">{t('anaCountsCol')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {m.points.map((p) => (
                      <tr key={p.day}>
                        <th scope="row">{p.day}</th>
                        <td>{metricValue(m.rule, p.figure, t)}</td>
                        <td>
                          <Counts f={p.figure} t={t} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : null}
            </details>
          </article>
        );
      })}
    </section>
  );
}

/** `tables`: as `TrendsSection`'s. */
export function ResponseSection({
  response,
  days,
  team,
  tables,
  t,
}: {
  response: ResponseTrend[];
  days: string[];
  team: boolean;
  tables: boolean;
  t: Translate;
}) {
  return (
    <section id="ana-response" aria-labelledby="ana-response-h">
      <h2 id="ana-response-h">{t('anaResponse')}</h2>
      <p className="rs-help">{t('anaResponseHelp')}</p>
      <LocalOnly team={team} t={t} />
      {!response.length ? <p className="rs-empty">{t('anaNoData')}</p> : null}
      {response.map((r) => (
        <article key={r.platform} className="rs-card" data-response={r.platform}>
          <h3>{t(`platform_${r.platform}`)}</h3>
          <p className="rs-total">
            {t('anaMedian')}
            {t('labelSep')}
            <b>{secs(r.total.median, t)}</b> · {t('anaP90')}
            {t('labelSep')}
            <b>{secs(r.total.p90, t)}</b> ·{' '}
            <small className="muted">{t('anaAnswered', [r.total.answered, r.total.n])}</small>
          </p>
          <LineChart
            days={days}
            dayLabel={t('anaDay')}
            empty={t('anaChartEmpty')}
            unit="s"
            lines={[
              { label: t('anaMedian'), values: r.points.map((p) => p.median), color: BLUE },
              { label: t('anaP90'), values: r.points.map((p) => p.p90), color: PURPLE },
              {
                label: t('anaDeadlineLine', [r.threshold.value]),
                values: days.map(() => r.threshold.value),
                color: RED,
                dash: [6, 4],
              },
            ]}
          />
          <details>
            <summary>{t('anaDataTable')}</summary>
            {tables ? (
              <table className="rs-table">
                <thead>
                  <tr>
                    <th scope="col">{t('anaDay')}</th>
                    <th scope="col">{t('anaMedian')}</th>
                    <th scope="col">{t('anaP90')}</th>
                    <th scope="col">{t('anaDecided')}</th>
                  </tr>
                </thead>
                <tbody>
                  {r.points.map((p) => (
                    <tr key={p.day}>
                      <th scope="row">{p.day}</th>
                      <td>{secs(p.median, t)}</td>
                      <td>{secs(p.p90, t)}</td>
                      <td>{t('anaAnswered', [p.answered, p.n])}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </details>
        </article>
      ))}
    </section>
  );
}

/** An hour × weekday table; each cell's colour grows with its count (the number is always written). */
export function HourWeekTable({
  m,
  caption,
  rgb,
  t,
  id,
}: {
  m: HourWeekMatrix;
  caption: string;
  rgb: string;
  t: Translate;
  id: string;
}) {
  const wd = weekdays(t);
  return (
    <table className="rs-table rs-heat" id={id}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('anaHour')}</th>
          {wd.map((d) => (
            <th key={d} scope="col">
              {d}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {Array.from({ length: 24 }, (_, h) => (
          <tr key={h}>
            <th scope="row">{`${String(h).padStart(2, '0')}:00`}</th>
            {m.cells.map((row, w) => {
              const v = row[h]!;
              const a = m.max ? v / m.max : 0;
              return (
                <td
                  key={w}
                  data-cell={`${w}-${h}`}
                  style={{
                    background: v ? `rgba(${rgb}, ${(0.12 + 0.88 * a).toFixed(3)})` : undefined,
                    color: a > 0.55 ? '#fff' : undefined,
                  }}
                >
                  {v || ''}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function HeatmapSection({
  heat,
  team,
  t,
}: {
  heat: { volume: HourWeekMatrix; breaches: HourWeekMatrix };
  team: boolean;
  t: Translate;
}) {
  return (
    <section id="ana-heatmap" aria-labelledby="ana-heatmap-h">
      <h2 id="ana-heatmap-h">{t('anaHeatmap')}</h2>
      <p className="rs-help">{t('anaHeatmapHelp')}</p>
      <LocalOnly team={team} t={t} />
      <div className="rs-heat-pair">
        <HourWeekTable
          id="ana-heat-volume"
          m={heat.volume}
          caption={t('anaHeatCaption', [t('anaVolume'), heat.volume.total])}
          rgb="22, 119, 255"
          t={t}
        />
        <HourWeekTable
          id="ana-heat-breaches"
          m={heat.breaches}
          caption={t('anaHeatCaption', [t('anaBreaches'), heat.breaches.total])}
          rgb="245, 34, 45"
          t={t}
        />
      </div>
    </section>
  );
}

export function AccountsSection({ accounts, team, t }: { accounts: PlatformAccounts[]; team: boolean; t: Translate }) {
  const cell = (rule: MetricRule, f: Figure) => (
    <td key={rule.key}>
      {metricValue(rule, f, t)} <Counts f={f} t={t} />
    </td>
  );
  return (
    <section id="ana-accounts" aria-labelledby="ana-accounts-h">
      <h2 id="ana-accounts-h">{t('anaAccounts')}</h2>
      {!accounts.length ? <p className="rs-empty">{t('anaNoData')}</p> : null}
      {accounts.map((p) => (
        <table key={p.platform} className="rs-table rs-accounts" data-platform={p.platform}>
          <caption>{t(`platform_${p.platform}`)}</caption>
          <thead>
            <tr>
              <th scope="col">{t('anaAccount')}</th>
              {p.metrics.map((m) => (
                <th key={m.key} scope="col">
                  {ruleLabel(m, t)}
                </th>
              ))}
              {team ? null : <th scope="col">{t('anaMedianShort')}</th>}
            </tr>
          </thead>
          {p.groups.map((g) => (
            <tbody key={g.main}>
              {g.accounts.length > 1 || g.accounts[0]?.sub !== null ? (
                <tr className="rs-group">
                  <th scope="row">{tNodes(t, 'anaMainTotal', [<PageText text={g.main} />])}</th>
                  {p.metrics.map((m, i) => cell(m, g.total[i]!))}
                  {team ? null : <td />}
                </tr>
              ) : null}
              {g.accounts.map((a) => (
                <tr key={a.account} data-account={a.account}>
                  <th scope="row" className={a.sub === null ? '' : 'rs-sub'}>
                    {a.sub === null ? (
                      <PageText text={a.account} />
                    ) : (
                      <>
                        └ <PageText text={a.sub} />
                      </>
                    )}
                  </th>
                  {p.metrics.map((m, i) => cell(m, a.figures[i]!))}
                  {team ? null : <td>{secs(a.medianSec, t)}</td>}
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      ))}
    </section>
  );
}

export function BuyerLevelSection({ t }: { t: Translate }) {
  return (
    <section id="ana-level" aria-labelledby="ana-level-h">
      <h2 id="ana-level-h">{t('anaBuyerLevel')}</h2>
      <p className="rs-empty" data-state="not-available">
        {t('anaBuyerLevelNA')}
      </p>
    </section>
  );
}

/** At most this many missed buyers are listed (newest first); the count says how many there are. */
export const MISSED_SHOWN = 200;

export function MissedSection({
  missed,
  count,
  team,
  t,
}: {
  /** Null while the failed units are being read (after the first paint). */
  missed: MissedBuyer[] | null;
  /** How many there are (from the aggregates: known at first paint). */
  count: number;
  team: boolean;
  t: Translate;
}) {
  return (
    <section id="ana-missed" aria-labelledby="ana-missed-h">
      <h2 id="ana-missed-h">
        {t('anaMissed')} ({missed?.length ?? count})
      </h2>
      <LocalOnly team={team} t={t} />
      {missed === null ? (
        <p className="rs-empty" role="status">
          {t('anaLoading')}
        </p>
      ) : !missed.length ? (
        <p className="rs-empty">{t('anaNoMissed')}</p>
      ) : (
        <table className="rs-table rs-missed">
          <thead>
            <tr>
              <th scope="col">{t('anaColTime')}</th>
              <th scope="col">{t('anaColBuyer')}</th>
              <th scope="col">{t('anaColAccount')}</th>
              <th scope="col">{t('anaColDue')}</th>
              <th scope="col">{t('anaColReply')}</th>
            </tr>
          </thead>
          <tbody>
            {missed.slice(0, MISSED_SHOWN).map((m) => (
              <tr key={m.id}>
                <td>{chinaDateTime(m.startAt).slice(0, 16)}</td>
                <td>
                  <PageText text={m.buyerNick ?? m.buyer} />
                </td>
                <td>
                  {t(`platform_${m.platform}`)} · <PageText text={m.account} />
                </td>
                <td>{m.dueAt === null ? '—' : hhmm(m.dueAt)}</td>
                <td>
                  {m.replyAt === null || m.lateSec === null
                    ? t('popupNoReply')
                    : `${hhmm(m.replyAt)} · ${late(m.lateSec, t)}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {missed && missed.length > MISSED_SHOWN ? (
        <p className="rs-help">{t('anaMissedMore', [MISSED_SHOWN, missed.length])}</p>
      ) : null}
    </section>
  );
}
