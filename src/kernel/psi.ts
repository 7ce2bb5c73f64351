/** One line of a PSI file, as far as judging it goes. */
interface PsiAverages {
  readonly avg10: number;
}

/**
 * The line a resource's pressure is judged on: `some` (a share of time in which at least one task
 * stalled), or `full` where the kernel gives only that (irq, 6.1+). `cpu` has no `full` before
 * 5.13, and its `full` at the system level means nothing, so `some` always wins when present.
 */
export function judgedLine<T extends PsiAverages>(pressure: { readonly some: T | null; readonly full: T | null }): T | null {
  return pressure.some ?? pressure.full;
}

/** The judged avg10 of one resource's pressure, in percent; null when neither line is there. */
export function judgedAvg10(pressure: { readonly some: PsiAverages | null; readonly full: PsiAverages | null }): number | null {
  return judgedLine(pressure)?.avg10 ?? null;
}

/** The judged avg10 of a pressure file that may have failed to read; null when it did. */
export function judgedAvg10Of(result: { readonly ok: true; readonly value: Parameters<typeof judgedAvg10>[0] } | { readonly ok: false }): number | null {
  return result.ok ? judgedAvg10(result.value) : null;
}
