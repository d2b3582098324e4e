import 'uplot/dist/uPlot.min.css'
import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import { number } from '../format.ts'

// A time series drawn by uPlot (decision 0048): one line (or bar) per series over the range's
// hours or days, sized to its container and redrawn when the data changes. Colours come from the
// page's CSS (--series-<name>), so the chart follows the theme.

export type Series = { name: string; label: string; values: (number | null)[] }

type Props = {
  title: string
  times: number[] // epoch ms
  series: Series[]
  interval: 'hour' | 'day'
  bars?: boolean
  format?: (v: number) => string
}

function colour(el: HTMLElement, name: string): string {
  return getComputedStyle(el).getPropertyValue(`--series-${name}`).trim() || '#1f7a5a'
}

export function TimeChart(props: Props) {
  const box = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | null>(null)
  const { title, times, series, interval, bars, format } = props

  useEffect(() => {
    const el = box.current
    if (!el) return
    const fmt = format ?? ((v: number) => number(v))
    const lang = document.documentElement.lang || 'en'
    const when = new Intl.DateTimeFormat(
      lang,
      interval === 'hour'
        ? { day: 'numeric', hour: '2-digit', timeZone: 'UTC' }
        : { day: 'numeric', month: 'short', timeZone: 'UTC' },
    )
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height: 220,
      scales: { x: { time: true } },
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      axes: [
        {
          // One label per point (at most ~10), never two for the same day or hour.
          splits: () => {
            const every = Math.ceil(times.length / (el.clientWidth < 500 ? 4 : 10))
            return times.filter((_t, i) => i % every === 0).map((t) => t / 1000)
          },
          values: (_u, ticks) => ticks.map((s) => when.format(s * 1000)),
        },
        { values: (_u, ticks) => ticks.map((v) => fmt(v)), size: 80 },
      ],
      series: [
        { value: (_u, s) => (s === null ? '' : when.format(s * 1000)) },
        ...series.map((s) => ({
          label: s.label,
          stroke: colour(el, s.name),
          fill: bars ? colour(el, s.name) : undefined,
          width: 2,
          points: { show: times.length < 40 },
          paths: bars ? uPlot.paths.bars?.({ size: [0.6, 48] }) : undefined,
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : fmt(v)),
        })),
      ],
    }
    const data: uPlot.AlignedData = [times.map((t) => t / 1000), ...series.map((s) => s.values)]
    plot.current?.destroy()
    plot.current = new uPlot(opts, data, el)
    const resize = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(280, el.clientWidth), height: 220 }),
    )
    resize.observe(el)
    return () => {
      resize.disconnect()
      plot.current?.destroy()
      plot.current = null
    }
  }, [times, series, interval, bars, format])

  return (
    <figure className="analytics-chart">
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={title} />
    </figure>
  )
}
