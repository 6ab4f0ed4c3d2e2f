/** A min-heap of timers ordered by due time, then by creation order, so equal times fire first-in first-out. */
export interface HeapTimer {
  id: number;
  due: number;
  seq: number;
  fn: () => void;
  label?: string;
}

export class TimerHeap {
  private readonly items: HeapTimer[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): HeapTimer | undefined {
    return this.items[0];
  }

  push(t: HeapTimer): void {
    this.items.push(t);
    this.up(this.items.length - 1);
  }

  pop(): HeapTimer | undefined {
    const top = this.items[0];
    const last = this.items.pop();
    if (top && last && this.items.length > 0) {
      this.items[0] = last;
      this.down(0);
    }
    return top;
  }

  /** Drop timers matching the predicate (cancelled ones), rebuilding the heap. */
  removeWhere(pred: (t: HeapTimer) => boolean): void {
    const kept = this.items.filter((t) => !pred(t));
    this.items.length = 0;
    for (const t of kept) this.push(t);
  }

  clear(): void {
    this.items.length = 0;
  }

  private less(a: HeapTimer, b: HeapTimer): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private up(i: number): void {
    const items = this.items;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(items[i]!, items[p]!)) break;
      [items[i], items[p]] = [items[p]!, items[i]!];
      i = p;
    }
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(items[l]!, items[m]!)) m = l;
      if (r < n && this.less(items[r]!, items[m]!)) m = r;
      if (m === i) break;
      [items[i], items[m]] = [items[m]!, items[i]!];
      i = m;
    }
  }
}
