import type { TraceEvent } from '../../trace/events.js';
import { ViewModelFolder } from './fold.js';
import type { ViewModel } from './view-model.js';

/** Snapshots kept for cuts already visited, so stepping back and forth costs nothing. */
const SNAPSHOTS_KEPT = 64;

/**
 * Memoised folding over one append-only event stream. Moving forward continues the folder
 * from where it stopped; moving back refolds from the start (cheap, and exact: the same
 * events give the same model), unless that cut was already seen.
 */
export class FoldCache {
  private folder = new ViewModelFolder();
  private first: TraceEvent | undefined;
  private readonly snapshots = new Map<number, ViewModel>();

  at(events: readonly TraceEvent[], cut: number): ViewModel {
    const upto = Math.max(0, Math.min(cut, events.length));
    if (events[0] !== this.first) {
      // A different stream: nothing cached applies.
      this.first = events[0];
      this.folder = new ViewModelFolder();
      this.snapshots.clear();
    }
    const cached = this.snapshots.get(upto);
    if (cached) {
      // Refresh LRU order.
      this.snapshots.delete(upto);
      this.snapshots.set(upto, cached);
      return cached;
    }
    if (upto < this.folder.applied) this.folder = new ViewModelFolder();
    const vm = this.folder.applyAll(events, upto).snapshot();
    this.snapshots.set(upto, vm);
    if (this.snapshots.size > SNAPSHOTS_KEPT) {
      const oldest = this.snapshots.keys().next().value;
      if (oldest !== undefined) this.snapshots.delete(oldest);
    }
    return vm;
  }
}
