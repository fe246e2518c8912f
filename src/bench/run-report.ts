/**
 * The part of `classify run --report FILE` a bench reads back: a boundary between processes, so it
 * is parsed, and a runner whose report lost one of these fields fails the bench loudly.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const PerMinute = z.object({ mean: z.number(), max: z.number() });

export const RunReportFields = z.object({
  run_id: z.string(),
  mode: z.string(),
  status: z.string(),
  stop_reason: z.string().nullable(),
  target_ipm: z.number().nullable(),
  planned: z.number().int(),
  submitted: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  unfinished: z.number().int(),
  duration_s: z.number(),
  overall_ipm: z.number(),
  actual_ipm: z.number().nullable(),
  efficiency: z.number().nullable(),
  latency_ms: z.object({ p50: z.number(), p95: z.number(), p99: z.number() }).nullable(),
  llm_rpm: PerMinute,
  llm_tpm: PerMinute,
  llm_requests: z.number().int(),
  requests_per_indicator: z.number().nullable(),
  cost_usd: z.number(),
  cache_hits: z.number().int(),
  llm_fallback_fields: z.number().int(),
});
export type RunReportFields = z.infer<typeof RunReportFields>;

export async function readRunReport(file: string): Promise<RunReportFields> {
  const text = await readFile(file, 'utf8');
  const parsed = RunReportFields.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file}: not a run report: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}
