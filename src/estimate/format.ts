/** An estimate for people (a table) and for scripts (one JSON object, snake_case keys). */
import { priceFor, type PricingTable } from '../llm/pricing.js';
import type { Estimate } from './index.js';
import type { Projection } from './projection.js';

const NOTE_LINEAR =
  "linear at this catalog's rate per indicator: it assumes a larger catalog repeats concepts at this catalog's rate; " +
  'dedup makes the real cost grow slower than linearly for a larger catalog of the same concepts';

export function estimateJson(estimate: Estimate, file: string): Record<string, unknown> {
  return {
    catalog: file,
    dry_run: true,
    mode: estimate.mode,
    threshold: estimate.threshold,
    batch_size: estimate.batchSize,
    model: estimate.model,
    reasoning_effort: estimate.effort,
    rows_read: estimate.catalog.read,
    indicators: estimate.catalog.accepted,
    rejected: estimate.catalog.rejected,
    per_stage: estimate.stages.map((stage) => ({
      stage: stage.stage,
      fields_asked: stage.asked,
      unique_signatures: stage.unique,
      requests: stage.requests,
      input_tokens: stage.input,
      cached_tokens: stage.cached,
      output_tokens: stage.output,
      reasoning_tokens: stage.reasoning,
      cost_usd: stage.costUsd,
    })),
    fields_asked: estimate.stages.reduce((sum, stage) => sum + stage.asked, 0),
    requests: estimate.requests,
    requests_per_indicator: estimate.requestsPerIndicator,
    input_tokens: estimate.tokens.input,
    cached_tokens: estimate.tokens.cached,
    output_tokens: estimate.tokens.output,
    reasoning_tokens: estimate.tokens.reasoning,
    cost_usd: estimate.costUsd,
    cost_per_1000_usd: estimate.costPer1000Usd,
    pace: { ipm: estimate.pace.ipm ?? null, rpm: estimate.pace.rpm ?? null },
    projections: estimate.projections.map((row) => ({
      indicators: row.indicators,
      this_catalog: row.isCatalog,
      requests: row.requests,
      cost_usd: row.costUsd,
      minutes: row.minutes,
      paced_by: row.pacedBy,
    })),
    projection_basis: NOTE_LINEAR,
    assumptions: estimate.assumptions,
  };
}

export function formatEstimate(estimate: Estimate, file: string, pricing?: Readonly<PricingTable>): string {
  const { catalog, tokens } = estimate;
  const lines: string[] = [];
  lines.push(`estimate ${file} (dry run: no LLM call, no database, no engine)`);
  const threshold = estimate.mode === 'hybrid' ? ` (threshold ${estimate.threshold})` : '';
  lines.push(`mode ${estimate.mode}${threshold}, model ${estimate.model} (reasoning effort ${estimate.effort}), batch size ${estimate.batchSize}`);
  lines.push(`indicators: read ${int(catalog.read)} rows: ${int(catalog.accepted)} accepted, ${int(catalog.rejected)} rejected`);
  lines.push('');
  const header = ['stage', 'fields asked', 'unique signatures', 'requests', 'input tokens', 'cached tokens', 'output tokens', 'cost'];
  const rows = estimate.stages.map((stage) => [
    stage.stage,
    int(stage.asked),
    int(stage.unique),
    int(stage.requests),
    int(stage.input),
    int(stage.cached),
    int(stage.output),
    usd(stage.costUsd),
  ]);
  const sum = (pick: (stage: Estimate['stages'][number]) => number) => estimate.stages.reduce((total, stage) => total + pick(stage), 0);
  rows.push(['total', int(sum((s) => s.asked)), int(sum((s) => s.unique)), int(estimate.requests), int(tokens.input), int(tokens.cached), int(tokens.output), usd(estimate.costUsd)]);
  lines.push(...table(header, rows));
  lines.push('');
  const perIndicator = estimate.requestsPerIndicator.toFixed(4);
  lines.push(`requests: ${int(estimate.requests)} (${perIndicator} per indicator)`);
  const share = tokens.input === 0 ? 0 : (tokens.cached / tokens.input) * 100;
  lines.push(
    `tokens: input ${int(tokens.input)} (cached ${int(tokens.cached)}, ${share.toFixed(1)}%), output ${int(tokens.output)} (of which reasoning ${int(tokens.reasoning)})`,
  );
  const price = priceFor(estimate.model, pricing);
  const rates = price ? ` at ${estimate.model}'s $${price.input} input / $${price.cachedInput} cached / $${price.output} output per 1M tokens` : '';
  lines.push(`cost: ${usd(estimate.costUsd)} total, ${usd(estimate.costPer1000Usd)} per 1,000 indicators${rates}`);
  lines.push('');
  lines.push(`projection, ${NOTE_LINEAR}:`);
  lines.push(...table(['indicators', 'requests', 'cost', 'time'], estimate.projections.map(projectionRow)));
  lines.push(`time: ${paceNote(estimate)}`);
  lines.push('');
  lines.push('assumptions:');
  for (const assumption of estimate.assumptions) lines.push(`- ${assumption}`);
  return `${lines.join('\n')}\n`;
}

function projectionRow(row: Projection): string[] {
  return [`${int(row.indicators)}${row.isCatalog ? ' (this catalog)' : ''}`, int(row.requests), usd(row.costUsd), minutes(row)];
}

function paceNote(estimate: Estimate): string {
  const { ipm, rpm } = estimate.pace;
  if (ipm === undefined && rpm === undefined) return 'unpaced (give --ipm and/or --rpm for a duration)';
  const parts: string[] = [];
  if (ipm !== undefined) parts.push(`indicators / ${ipm} per minute`);
  if (rpm !== undefined) parts.push(`requests / ${rpm} per minute`);
  return parts.length === 2 ? `the slower of ${parts.join(' and ')}` : (parts[0] ?? '');
}

function minutes(row: Projection): string {
  if (row.minutes === null) return 'unpaced';
  const by = ` (by ${row.pacedBy ?? ''})`;
  if (row.minutes < 120) return `${row.minutes.toFixed(1)} min${by}`;
  return `${(row.minutes / 60).toFixed(1)} h${by}`;
}

function int(value: number): string {
  return value.toLocaleString('en-US');
}

function usd(value: number): string {
  const digits = value === 0 || value >= 1 ? 2 : value < 0.01 ? 6 : 4;
  return `$${value.toFixed(digits)}`;
}

/** Left-aligned first column, right-aligned numbers. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const render = (row: readonly string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  return [render(header), ...rows.map(render)];
}
