/** Submissions the engine refused, said as they happen without flooding the terminal. */
const REJECTIONS_SHOWN = 10;

/** Refused submissions are said as they happen: the first few one by one, then a count by reason at the end. */
export function rejectionLog(log: (line: string) => void) {
  const byReason = new Map<string, number>();
  let shown = 0;
  return {
    add(id: string, reason: string): void {
      byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
      if (shown < REJECTIONS_SHOWN) log(`failed ${shortId(id)}: ${reason}`);
      else if (shown === REJECTIONS_SHOWN) log('more refused submissions: counted in the report');
      shown += 1;
    },
    flush(): void {
      if (shown <= REJECTIONS_SHOWN) return;
      for (const [reason, count] of byReason) log(`refused ×${count}: ${reason}`);
    },
  };
}

/** An id for a message: ids can be long (a refused 100 KB id must not flood the terminal). */
export function shortId(id: string): string {
  return id.length > 80 ? `${JSON.stringify(id.slice(0, 80))}… (${id.length} characters)` : JSON.stringify(id);
}
